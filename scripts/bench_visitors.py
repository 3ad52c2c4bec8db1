"""A new visitor's page while the server's training slots are busy, against an idle server.

    .venv/bin/python scripts/bench_visitors.py [--sessions 4] [--repeats 5] [--url URL]

Issue 13's "Visitors" target: with every training slot busy and sessions queued, a new
visitor's page shows its first heading in <= 2 s. Measured so the figure is the server's:
the server (`streamlit run app.py`, started here on a free port unless --url is given)
is pinned to one core (--server-core, default 0) and this driver, with every Chromium it
starts, to another (--browser-core, default 1).

In one run, side by side:
  idle   a fresh visitor (a new browser context: a cold cache, a new session) opens
         each of the visitor pages (Home, and the logistic page without training),
         --repeats times;
  busy   the same while --sessions tabs train a long run from a train=1 link (C1 with
         the notes' settings, --epochs epochs): with LAB_MAX_TRAINING=2, two train and
         the rest wait in the queue. The training tabs are frozen (Chrome's page
         lifecycle) while the visitor loads, as if each student's browser ran on their
         own laptop; --live-trainers keeps them running (then core 1 is shared too);
  single one session trains the C1-notes preset (10 000 epochs) alone: seconds from
         opening its train=1 link to "Epoch 10000 · stopped", the cost of a single
         training session (--single 0 skips it).
For each page, from navigation start (the browser's performance clock): the HTML
answered, the first heading (h1) visible, and the page loaded (the app's script state
"notRunning" after the heading is there). Prints min / median / max of each.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from served import served  # scripts/served.py: the app on a pinned core

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
VISITOR_PAGES = {"home": "/", "logistic": "/logistic"}

# C1 with the notes' settings (ui.presets "C1-notes"), longer: every tab trains for the
# whole measurement (one full-batch step per epoch: the most Python per second of work)
TRAIN_QUERY = ("dataset=hours&impl=nn&lr=0.01&batch_size=1048576&num_epochs={epochs}"
               "&seed=0&init=default&reduction=mean&standardize=false&train=1")
SINGLE_EPOCHS = 10_000

# Records, on the browser's performance clock (0 = navigation start), when the first
# heading shows and when the app's script is first idle after that.
MARKS_JS = r"""
(() => {
  const mark = () => {
    if (window.__labRunning === undefined) {
      const app = document.querySelector('[data-testid="stApp"]');
      if (app && app.dataset.testScriptState === 'running') window.__labRunning = performance.now();
    }
    if (window.__labH1 === undefined) {
      const h = document.querySelector('h1');
      if (h && h.offsetParent !== null && h.textContent.trim()) window.__labH1 = performance.now();
    }
    if (window.__labH1 !== undefined && window.__labLoaded === undefined) {
      const app = document.querySelector('[data-testid="stApp"]');
      if (app && app.dataset.testScriptState === 'notRunning') window.__labLoaded = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, {subtree: true, childList: true,
                                                attributes: true, characterData: true});
})();
"""
READ_MARKS_JS = r"""() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const assets = performance.getEntriesByType('resource')
    .filter(e => e.initiatorType === 'script' || e.initiatorType === 'link')
    .reduce((m, e) => Math.max(m, e.responseEnd), 0);
  return {html: nav ? nav.responseEnd : null, assets, running: window.__labRunning,
          h1: window.__labH1, loaded: window.__labLoaded};
}"""
STATUS_JS = r"""() => {
  for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    const t = el.textContent.trim();
    if (/^(Epoch \d+|⏳)/.test(t)) return t;
  }
  return '';
}"""


MARKS = ("html", "assets", "running", "h1", "loaded")


def visit(browser, url, timeout_ms=120_000):
    """{mark: seconds from navigation start} for a fresh visitor opening `url` (MARKS)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(MARKS_JS)
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        page.wait_for_function("() => window.__labLoaded !== undefined", timeout=timeout_ms)
        marks = page.evaluate(READ_MARKS_JS)
        return {k: (marks[k] or 0) / 1000 for k in MARKS}
    finally:
        context.close()


@contextmanager
def profiled(pid, out):
    """py-spy (pip install py-spy) sampling the server's threads while the block runs:
    collapsed stacks, one line per (thread, stack), to `out`; with --gil only the thread
    holding the GIL is sampled, so the counts say who held it."""
    if not (pid and out):
        yield
        return
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid),
                            "--threads", "--gil", "--nonblocking", "-r", "200", "-f", "raw",
                            "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=30)


def measure(browser, base, pages, repeats, label, rows, pid=None, profile=None):
    """Each page `repeats` times, in turn; one row per page into `rows`."""
    times = {name: [] for name in pages}
    out = Path(f"{profile}-{label}.txt") if profile else None
    with profiled(pid, out):
        for _ in range(repeats):
            for name in pages:
                times[name].append(visit(browser, base + VISITOR_PAGES[name]))
    for name, samples in times.items():
        rows.append((label, name, samples))
        print(f"  {label:<6} {name:<9} " + "  ".join(
            f"{v['h1']:5.2f}/{v['loaded']:5.2f}" for v in samples), flush=True)


@contextmanager
def frozen(pages, enabled=True):
    """Pause the pages' JavaScript (Chrome's page lifecycle "frozen"), then resume it."""
    sessions = [p.context.new_cdp_session(p) for p in pages] if enabled else []
    for cdp in sessions:
        cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
    try:
        yield
    finally:
        for cdp in sessions:
            cdp.send("Page.setWebLifecycleState", {"state": "active"})
            cdp.detach()


def start_trainers(browser, base, n, epochs, timeout=120):
    """n tabs on a train=1 link; returns them once each says training or queued."""
    pages = []
    for _ in range(n):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"{base}/logistic?{TRAIN_QUERY.format(epochs=epochs)}", wait_until="commit")
        pages.append(page)
    deadline, settled = time.monotonic() + timeout, 0
    while True:
        statuses = [p.evaluate(STATUS_JS) for p in pages]
        training = sum("training…" in s for s in statuses)
        queued = sum(s.startswith("⏳") for s in statuses)
        if training + queued == n and settled >= 3:
            return pages, training, queued
        # a run says "training…" for the half second before it says it is queued
        settled = settled + 1 if training + queued == n else 0
        if time.monotonic() > deadline:
            sys.exit(f"the training tabs did not all start: {statuses}")
        time.sleep(0.5)


def single_session(browser, base, timeout=300):
    """Seconds from opening the C1-notes train=1 link to its run's end, alone."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.monotonic()
        page.goto(f"{base}/logistic?{TRAIN_QUERY.format(epochs=SINGLE_EPOCHS)}",
                  wait_until="commit")
        started = None
        done = re.compile(rf"^Epoch {SINGLE_EPOCHS}\b.*stopped")
        while time.monotonic() - start < timeout:
            s = page.evaluate(STATUS_JS)
            if started is None and "training…" in s:
                started = time.monotonic()
            if done.search(s):
                end = time.monotonic()
                return end - start, end - (started or start)
            time.sleep(0.05)
        sys.exit("the single session did not finish")
    finally:
        context.close()


def summary(rows):
    """min / median / max of the first heading and the load; medians of the steps before:
    the HTML answered, the app's scripts and styles in, its script running on the server."""
    print(f"\n{'phase':<6} {'page':<9} {'n':>2}  {'first heading (s)':>17}  "
          f"{'loaded (s)':>17}   medians: {'html':>5} {'assets':>6} {'running':>7}")
    print(f"{'':<20}{'min   med   max':>17}  {'min   med   max':>17}")
    for label, name, samples in rows:
        def three(mark):
            xs = [v[mark] for v in samples]
            return f"{min(xs):5.2f} {statistics.median(xs):5.2f} {max(xs):5.2f}"

        def med(mark):
            return statistics.median(v[mark] for v in samples)
        print(f"{label:<6} {name:<9} {len(samples):>2}  {three('h1'):>17}  {three('loaded'):>17}"
              f"            {med('html'):5.2f} {med('assets'):6.2f} {med('running'):7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (not started or pinned here)")
    parser.add_argument("--sessions", type=int, default=4, help="training tabs (default 4)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100_000, help="of each training tab")
    parser.add_argument("--pages", default="home,logistic", help="visitor pages: home,logistic")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--browser-core", type=int, default=1)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment of the server started here, e.g. LAB_MAX_TRAINING=1")
    parser.add_argument("--live-trainers", action="store_true",
                        help="do not freeze the training tabs while the visitor loads")
    parser.add_argument("--single", type=int, default=1,
                        help="times to train C1-notes alone (the single-session cost); 0: skip")
    parser.add_argument("--skip-idle", action="store_true")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the server and browsers at this niceness (e.g. -10, as root: "
                             "ahead of other work on a shared box)")
    parser.add_argument("--profile", metavar="PREFIX",
                        help="py-spy the server during each phase into PREFIX-<phase>.txt")
    args = parser.parse_args()
    pages = args.pages.split(",")
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} not found (apt-get install chromium)")
    # this driver, Playwright's node process and every Chromium run on the browser's core
    os.sched_setaffinity(0, {args.browser_core})
    os.nice(args.nice)  # the server and the browsers started from here inherit it
    env = dict(item.split("=", 1) for item in args.env)
    from playwright.sync_api import sync_playwright

    log = Path(tempfile.mkdtemp(prefix="bench_visitors-")) / "server.log"
    with (served(ROOT, args.server_core, log, env) if not args.url
          else _given(args.url)) as (base, pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        where = (f"server pid {pid} on core {args.server_core}" if pid
                 else f"server at {base} (not pinned here)")
        print(f"{where}; browser on core {args.browser_core}; nice {args.nice}; "
              f"environment {' '.join(args.env) or '(as is)'}; load {os.getloadavg()[0]:.1f}")
        print("per visit: first heading / loaded, seconds from navigation start")
        for name in pages:  # warm: imports, caches, the first run of each page
            visit(browser, base + VISITOR_PAGES[name])
        rows, singles = [], []
        if not args.skip_idle:
            measure(browser, base, pages, args.repeats, "idle", rows, pid, args.profile)
        trainers, training, queued = start_trainers(browser, base, args.sessions, args.epochs)
        print(f"  {args.sessions} tabs: {training} training, {queued} queued", flush=True)
        with frozen(trainers, enabled=not args.live_trainers):
            measure(browser, base, pages, args.repeats, "busy", rows, pid, args.profile)
        time.sleep(1)
        after = [p.evaluate(STATUS_JS) for p in trainers]
        print("  after: " + " | ".join(s.replace("\n", " ")[:48] for s in after), flush=True)
        for p in trainers:
            p.context.close()
        time.sleep(2)  # the closed sessions' runs end at their next redraw
        for _ in range(args.single):
            total, training_s = single_session(browser, base)
            singles.append((total, training_s))
            print(f"  single C1-notes ({SINGLE_EPOCHS} epochs): {total:.2f} s from opening, "
                  f"{training_s:.2f} s from 'training…'", flush=True)
        browser.close()
    summary(rows)
    if singles:
        print(f"\nsingle session C1-notes: from opening {statistics.median(s[0] for s in singles):.2f} s, "
              f"training {statistics.median(s[1] for s in singles):.2f} s "
              f"(median of {len(singles)})")


@contextmanager
def _given(url):
    yield url.rstrip("/"), None


if __name__ == "__main__":
    main()
