"""First paint in a real browser (issue 13): how soon a C1-notes run shows its first loss point.

    .venv/bin/python scripts/bench_first_paint.py [--repeats 3] [--impl nn manual] [--repo DIR]

Starts `streamlit run app.py` on a free port pinned to core 0 (`taskset -c 0`) and drives
Debian's Chromium (Playwright) pinned to core 1, so the seconds are the server's. C1 with
the notes' settings (hours, lr 0.01, full batch, mean BCE, 10 000 epochs; lab/bench_loops.py
C1) on /logistic. A MutationObserver in the page stamps each moment (performance.now()),
so nothing polls the page while it trains. Wall-clock seconds, min / median / max:

  warm   the page already open on a warm server; Train clicked (in the page, so the click
         is stamped where it happens): until the first loss point is drawn (a mark in the
         loss chart's SVG), and until the status says the 10 000 epochs are done;
  link   a new tab opening the C1-notes link with train=1 (a new session): from navigation
         start to the first heading, to Stop being a live button (enabled, not stale), to
         the first loss point, to the end;
  course the course's own C1 loop (lab.bench_loops.course_c1, wall clock) in a process
         pinned to core 0 like the server, in the same run; each run's ratio to it.

--repo runs another copy of the app (an instrumented one, say) with this repo's venv.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from served import served  # scripts/served.py: the app on a pinned core

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab.bench_loops import C1  # noqa: E402
from lab.urlstate import all_params  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SERVER_CORE, BROWSER_CORE = 0, 1
RUN_TIMEOUT = 180.0  # seconds for one C1-notes run, on a busy box
EPOCHS = C1.num_epochs
LOSS_TITLE = "Loss (mean BCE"

# Stamps (ms from window.__fp.t0) the first time each thing is true. t0 is the Train click
# (warm) or the navigation start (link: t0 = 0).
OBSERVER = r"""
window.__fp = {t0: %(t0)s, heading: null, stopLive: null, epoch1: null, firstPoint: null,
               end: null, statuses: []};
(() => {
  const fp = window.__fp, EPOCHS = %(epochs)d;
  const lossChart = () => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .find(c => [...c.querySelectorAll('text')].some(t => t.textContent.startsWith(%(title)r)));
  const hasPoint = chart => chart && (
    chart.querySelector('g.mark-symbol.role-mark path') !== null ||  // not the legend's
    [...chart.querySelectorAll('g.mark-line.role-mark path')].some(p => /[ML]/.test(p.getAttribute('d') || '')));
  const check = () => {
    if (fp.t0 === null) return;
    const now = performance.now() - fp.t0;
    if (fp.heading === null) {
      const h = document.querySelector('h1');
      if (h && h.textContent.includes('Logistic regression')) fp.heading = now;
    }
    if (fp.stopLive === null) {
      const b = document.querySelector('.st-key-logistic-stop button');
      if (b && !b.disabled && b.closest('[data-stale="false"]')) fp.stopLive = now;
    }
    const status = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
      .map(p => p.innerText).find(t => /^Epoch \d+.* · /.test(t));
    if (status) {
      const last = fp.statuses[fp.statuses.length - 1];
      if (!last || last[0] !== status) fp.statuses.push([status, now]);
      const m = status.match(/^Epoch (\d+)/), epoch = m ? +m[1] : 0;
      if (fp.epoch1 === null && epoch >= 1) fp.epoch1 = now;
      if (fp.end === null && epoch === EPOCHS && / · stopped/.test(status)) fp.end = now;
    }
    if (fp.firstPoint === null && hasPoint(lossChart())) fp.firstPoint = now;
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
                                                 characterData: true, attributes: true});
})();
"""


def course_seconds(epochs, repo=ROOT):
    """Wall seconds of the course's C1 loop in a fresh process on the server's core."""
    code = ("import time, torch; torch.set_num_threads(1); "
            "from lab.bench_loops import course_c1; course_c1(20, time.perf_counter); "
            f"print(course_c1({epochs}, time.perf_counter))")
    out = subprocess.run(["taskset", "-c", str(SERVER_CORE), sys.executable, "-c", code],
                         cwd=repo, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def link(impl, train):
    params = all_params(C1.with_(model="logistic", impl=impl))
    return "/logistic?" + urlencode({**params, **({"train": "1"} if train else {})})


def wait_stamp(page, name, timeout=RUN_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fp = page.evaluate("window.__fp")
        if fp and fp.get(name) is not None:
            return fp
        time.sleep(0.2)
    fp = page.evaluate("window.__fp")
    raise AssertionError(f"no {name!r} within {timeout:.0f} s; statuses: "
                         f"{(fp or {}).get('statuses', [])[-5:]}")


def idle(page):
    app = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    page.wait_for_selector(app, state="attached", timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(app, state="attached", timeout=60_000)


def warm_run(browser, base, impl, epochs=EPOCHS):
    """The page open and idle; Train clicked: {firstPoint, epoch1, end} in seconds."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.add_init_script(OBSERVER % {"t0": "null", "epochs": epochs, "title": LOSS_TITLE})
        page.goto(base + link(impl, train=False).replace(
            f"num_epochs={EPOCHS}", f"num_epochs={epochs}"), timeout=60_000)
        page.locator(".st-key-logistic-train button").first.wait_for(timeout=60_000)
        idle(page)
        page.evaluate("""() => {
          window.__fp.t0 = performance.now();
          document.querySelector('.st-key-logistic-train button').click();
        }""")
        fp = wait_stamp(page, "end")
        return {k: fp[k] / 1000 for k in ("epoch1", "firstPoint", "end") if fp[k] is not None}
    finally:
        context.close()


def link_run(browser, base, impl):
    """A new tab opening the train=1 link: {heading, stopLive, firstPoint, end} in seconds
    from navigation start."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.add_init_script(OBSERVER % {"t0": "0", "epochs": EPOCHS, "title": LOSS_TITLE})
        page.goto(base + link(impl, train=True), timeout=60_000)
        fp = wait_stamp(page, "end")
        return {k: fp[k] / 1000 for k in ("heading", "stopLive", "epoch1", "firstPoint", "end")
                if fp[k] is not None}
    finally:
        context.close()


def triple(values):
    if not values:
        return f"{'—':>20}"
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--impl", nargs="+", default=["nn", "manual"], choices=["nn", "manual"])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the app to serve (default: this one)")
    parser.add_argument("--keep-log", action="store_true", help="keep the server log and print its path")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM) or not shutil.which("taskset"):
        raise SystemExit(f"needs {CHROMIUM} and taskset")
    os.sched_setaffinity(0, {BROWSER_CORE})  # Playwright's driver and Chromium inherit it
    from playwright.sync_api import sync_playwright

    log = Path(tempfile.mkdtemp(prefix="bench_first_paint-")) / "server.log"
    rows = {}  # (what, impl) -> {measure: [seconds]}
    with served(args.repo, SERVER_CORE, log) as (base, _pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            for impl in args.impl:  # warm the server: imports, caches, the page's code
                warm_run(browser, base, impl, epochs=50)
            for _ in range(args.repeats):  # in turn, so a busy spell hits all alike
                rows.setdefault(("course", "nn"), {}).setdefault("end", []).append(
                    course_seconds(EPOCHS, args.repo))
                for impl in args.impl:
                    for what, run in (("warm", warm_run), ("link", link_run)):
                        for k, v in run(browser, base, impl).items():
                            rows.setdefault((what, impl), {}).setdefault(k, []).append(v)
        finally:
            browser.close()
    if args.keep_log:
        print(f"server log: {log}")

    course = statistics.median(rows[("course", "nn")]["end"])
    print(f"C1-notes ({EPOCHS} epochs, hours, lr 0.01, full batch, mean) in headless Chromium; "
          f"server on core {SERVER_CORE}, browser on core {BROWSER_CORE}")
    print(f"wall seconds, min / median / max of {args.repeats}; "
          "warm: from the Train click; link: from opening a train=1 link in a new tab")
    print(f"{'run':<8} {'impl':<7} {'measure':<22} {'min':>6} {'median':>6} {'max':>6} "
          f"{'× course':>9}")
    labels = {"heading": "first heading", "stopLive": "Stop live",
              "epoch1": "status at epoch ≥ 1", "firstPoint": "first loss point",
              "end": "end (10000 stopped)"}
    for (what, impl), measures in rows.items():
        for k in ("heading", "stopLive", "epoch1", "firstPoint", "end"):
            if k not in measures:
                continue
            vals = measures[k]
            ratio = f"{statistics.median(vals) / course:9.2f}" if k == "end" else f"{'':>9}"
            label = "course loop (wall)" if what == "course" else labels[k]
            print(f"{what:<8} {impl:<7} {label:<22} {triple(vals)} {ratio}")


if __name__ == "__main__":
    main()
