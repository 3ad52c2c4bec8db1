"""How much memory does the app server take per student? Run: .venv/bin/python scripts/measure_memory.py

Starts `streamlit run app.py` on a free port, drives it with headless Chromium (Playwright,
Debian's /usr/bin/chromium), and reads the server's resident memory (VmRSS in
/proc/<pid>/status, plus any child processes) at each stage:

  start        the server is healthy; no session yet (torch not imported)
  one trained  one session has trained (softmax on digits if app.py has the softmax
               page, else logistic on synthetic) and is still open: torch, the page
               code and the dataset cache are loaded
  baseline     that session closed and dropped: the warm, empty server
  8 trained #k eight sessions trained at once (different seeds and learning rates), open
  8 closed #k  the eight tabs closed (sessions still kept for reconnection)
  8 dropped #k the eight sessions dropped. Round 2 repeats round 1 exactly (the same
               links, so no new dataset-cache entries): a leak would grow again, memory
               the allocator keeps for reuse stays flat.

The last row asks glibc to hand its free pages back (malloc_trim): what remains above
the baseline then is memory still in use (the dataset cache holds one digits copy per
seed), not memory kept by the allocator.

At each stage the server also makes a full garbage collection on request (SIGUSR1, see
PROBE) and reports the RSS after it and how many sessions and training runs are alive.

Closed tabs: Streamlit keeps a disconnected session (its session_state: runs, curves)
for `server.disconnectedSessionTTL` seconds (default 120) so a reconnecting browser can
resume it, and reaps expired ones only on the next write to its session store. This
script starts the server with a TTL of a few seconds, waits past it, then opens and
closes one short home-page visit to trigger the reaping. On a real server the memory
of closed tabs comes back the same way, two minutes later.

Prints a table and one JSON line; exits 1 if a session costs 30 MB or more, or if the
server does not come back near its baseline after the sessions close.

--uploads N (issue 13): N sessions each upload their own CSV of 1.2 M rows (4.8 MB, a
digit and a 0/1 label, a different seed each) on the logistic page at once, wait until
it is read, and click Step once (timed: the file must not be read again). The RSS is
sampled every 50 ms while they do, for the peak. Then the tabs close and the sessions
are reaped, --rounds times. Stages: start, baseline (one small upload made and its
session dropped: torch and the page loaded), "N uploaded #k" (peak, and RSS with the
sessions open), "N dropped #k", and malloc_trim. Exits 1 if the server ends more than
50 MB above the baseline. What a dropped session held waits in reference cycles for a
full garbage collection (the "after gc" column), and glibc keeps freed pages unless
told otherwise: compare a run with MALLOC_MMAP_THRESHOLD_=131072 in the environment
(a fixed threshold: big blocks go back to the system when freed), and one with
--collect SECONDS (the server's wrapper makes a full gc and malloc_trim that often and
logs how long each took: a fix tried from outside the app).
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SESSIONS = 8
CYCLES = 2              # a second, identical round tells a leak (grows again) from reuse
PROBE_FILE = ROOT / "artifacts" / "memprobe.json"
SESSION_TTL = 3         # seconds a closed tab's session is kept (Streamlit's default: 120)
PER_SESSION_LIMIT = 30  # MB of server memory per concurrent session
RETURN_LIMIT = 30       # MB above the baseline allowed once every session is gone
UPLOAD_RETURN_LIMIT = 50  # MB, issue 13: after N sessions that uploaded a big CSV closed
UPLOAD_ROWS = 1_200_000
# The server runs under this wrapper: on SIGUSR1 it makes a full garbage collection and
# writes how many sessions and training runs are still alive to the file named in
# LAB_MEMPROBE, so "dropped" is checked, not assumed, and memory kept by the allocator
# shows apart from objects still alive.
PROBE = r"""
import gc, json, os, signal, sys
def probe(signum, frame):
    gc.collect()
    if signum == signal.SIGUSR2:  # also hand the allocator's free pages back to the system
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    alive = {"sessions": 0, "runs": 0}
    for o in gc.get_objects():
        kind = (type(o).__module__, type(o).__name__)
        if kind == ("streamlit.runtime.app_session", "AppSession"):
            alive["sessions"] += 1
        elif kind == ("lab.train", "Run"):
            alive["runs"] += 1
    with open(os.environ["LAB_MEMPROBE"] + ".tmp", "w") as f:
        json.dump(alive, f)
    os.replace(os.environ["LAB_MEMPROBE"] + ".tmp", os.environ["LAB_MEMPROBE"])
signal.signal(signal.SIGUSR1, probe)
signal.signal(signal.SIGUSR2, probe)
def collect_every(seconds):  # --collect: what the app could do, tried from outside it
    import ctypes, threading, time
    def collect():
        while True:
            time.sleep(seconds)
            start = time.perf_counter()
            gc.collect()
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            print(f"memprobe: gc and malloc_trim in {time.perf_counter() - start:.3f} s", flush=True)
    threading.Thread(target=collect, daemon=True).start()
if os.environ.get("LAB_COLLECT"):
    collect_every(float(os.environ["LAB_COLLECT"]))
from streamlit.web.cli import main
sys.argv[0] = "streamlit"
main()
"""
STATUS_JS = r"""() => {
  for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    const t = el.textContent.trim();
    if (/^(Epoch \d+ of \d+|⏳)/.test(t)) return t;
  }
  return '';
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    """Resident memory of `pid` and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            continue
    return total / 1024


def start_server(port, collect=None):
    cmd = [sys.executable, "-c", PROBE, "run", "app.py", "--server.headless=true",
           "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
           f"--server.disconnectedSessionTTL={SESSION_TTL}"]
    log = open(ROOT / "artifacts" / "measure_memory_server.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1",
                                 "LAB_MEMPROBE": str(PROBE_FILE),
                                 **({"LAB_COLLECT": str(collect)} if collect else {})})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("error: the server did not become healthy in 60 s")


def training_link(i):
    """A page, settings and epochs for session `i` (seed and learning rate differ)."""
    app = (ROOT / "app.py").read_text()
    if re.search(r"st\.Page\(\s*\"views/softmax\.py\"", app):
        lr = [0.5, 0.2, 1.0, 0.1][i % 4]
        return "softmax", (f"/softmax?dataset=digits&lr={lr}&batch_size=32&num_epochs=3"
                           f"&seed={i}&train=1"), 3
    lr = [0.5, 0.2, 1.0, 0.1][i % 4]
    return "logistic", (f"/logistic?dataset=synthetic&lr={lr}&batch_size=64&num_epochs=20"
                        f"&seed={i}&train=1"), 20


def train_sessions(browser, base, indices):
    """Open one context per index with a train=1 link; return them once all finished."""
    contexts = []
    for i in indices:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(120_000)
        page = context.new_page()
        page.goto(base + training_link(i)[1], wait_until="commit")
        contexts.append((context, page, training_link(i)[2]))
    deadline = time.monotonic() + 600
    for _, page, epochs in contexts:
        while not re.match(rf"Epoch {epochs} of {epochs} · stopped", page.evaluate(STATUS_JS)):
            if time.monotonic() > deadline:
                raise SystemExit(f"error: a session did not finish: {page.evaluate(STATUS_JS)!r}")
            time.sleep(0.5)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    return contexts


def drop_closed_sessions(browser, base):
    """Wait past the session TTL, then make Streamlit reap the expired sessions."""
    time.sleep(SESSION_TTL + 2)
    context = browser.new_context()  # its disconnect writes to the session store
    page = context.new_page()
    page.goto(base + "/")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    context.close()
    time.sleep(3)


def probe(proc, stage, note="", trim=False):
    """A row: RSS as it is, then after a full collection, with what is still alive."""
    rss = round(rss_mb(proc.pid), 1)
    PROBE_FILE.unlink(missing_ok=True)
    os.kill(proc.pid, signal.SIGUSR2 if trim else signal.SIGUSR1)
    for _ in range(100):
        if PROBE_FILE.exists():
            break
        time.sleep(0.1)
    alive = json.loads(PROBE_FILE.read_text())
    return {"stage": stage, "rss_mb": rss, "rss_after_gc_mb": round(rss_mb(proc.pid), 1),
            **alive, "note": note}


def print_rows(rows):
    print(f"{'stage':<18}{'RSS MB':>9}{'after gc':>10}{'sessions':>10}{'runs':>6}  note")
    for r in rows:
        print(f"{r['stage']:<18}{r['rss_mb']:>9.1f}{r['rss_after_gc_mb']:>10.1f}"
              f"{r['sessions']:>10}{r['runs']:>6}  {r['note']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, metavar="N",
                        help="N sessions upload a 1.2 M-row CSV each, then close (issue 13)")
    parser.add_argument("--rounds", type=int, default=2, help="with --uploads: repeats")
    parser.add_argument("--collect", type=float, metavar="SECONDS",
                        help="with --uploads: the server makes a full gc and malloc_trim "
                             "every SECONDS (a fix tried from outside the app)")
    args = parser.parse_args()
    if args.uploads:
        return uploads_main(args.uploads, args.rounds, args.collect)
    return training_main()


def training_main():
    from playwright.sync_api import sync_playwright

    (ROOT / "artifacts").mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port)
    rows = []

    def record(stage, note="", trim=False):
        rows.append(probe(proc, stage, note, trim))

    try:
        record("start", "healthy, no session")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            page_name = training_link(0)[0]
            one = train_sessions(browser, base, [0])
            record("one trained", f"{page_name}, session open")
            one[0][0].close()
            time.sleep(3)
            record("one closed", f"kept for reconnection ({SESSION_TTL} s TTL)")
            drop_closed_sessions(browser, base)
            record("baseline", "that session dropped: the warm, empty server")
            for cycle in range(1, CYCLES + 1):
                start = time.monotonic()
                eight = train_sessions(browser, base, range(1, SESSIONS + 1))
                seconds = time.monotonic() - start
                record(f"{SESSIONS} trained #{cycle}", f"at once, all open ({seconds:.0f} s)")
                for context, _, _ in eight:
                    context.close()
                time.sleep(3)
                record(f"{SESSIONS} closed #{cycle}", f"kept for reconnection ({SESSION_TTL} s TTL)")
                drop_closed_sessions(browser, base)
                record(f"{SESSIONS} dropped #{cycle}", "sessions reaped")
            record("malloc_trim", "after gc, glibc's free pages handed back", trim=True)
            browser.close()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)

    rss = {r["stage"]: r["rss_mb"] for r in rows}
    baseline = rss["baseline"]
    per_session = (rss[f"{SESSIONS} trained #1"] - baseline) / SESSIONS
    after = rss[f"{SESSIONS} dropped #{CYCLES}"] - baseline
    again = rss[f"{SESSIONS} dropped #{CYCLES}"] - rss[f"{SESSIONS} dropped #1"]
    print_rows(rows)
    print(f"per concurrent session: {per_session:+.1f} MB (limit {PER_SESSION_LIMIT}); "
          f"after all closed: {after:+.1f} MB against the baseline (limit {RETURN_LIMIT}); "
          f"rounds 2..{CYCLES} added {again:+.1f} MB")
    summary = {"page": page_name, "sessions": SESSIONS, "cycles": CYCLES,
               "session_ttl_s": SESSION_TTL, "rss_mb": rss, "stages": rows,
               "per_session_mb": round(per_session, 1),
               "after_closed_minus_baseline_mb": round(after, 1),
               "later_rounds_added_mb": round(again, 1)}
    print(json.dumps(summary))
    (ROOT / "artifacts" / "memory.json").write_text(json.dumps(summary, indent=2))
    ok = per_session < PER_SESSION_LIMIT and after < RETURN_LIMIT
    return 0 if ok else 1


def upload_file(i, rows=UPLOAD_ROWS):
    """artifacts/upload_<i>.csv: x,label with a digit and a 0/1 label, seed i (4.8 MB)."""
    import numpy as np

    path = ROOT / "artifacts" / f"upload_{i}.csv"
    if not path.exists():
        g = np.random.default_rng(i)
        x, y = g.integers(0, 10, rows), g.integers(0, 2, rows)
        rows = "".join(f"{a},{b}\n" for a, b in zip(x.tolist(), y.tolist()))
        path.write_text("x,label\n" + rows)
    return path


class PeakSampler:
    """The server's RSS every 50 ms in a thread, for the peak between start and stop."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0.0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.thread.join()
        return round(self.peak, 1)


def upload_sessions(browser, base, files, rows):
    """One context per file on the logistic page with dataset=csv: all upload at once,
    wait until their file is read, then each clicks Step once. Returns the contexts, the
    seconds from each upload to its file's description on the page, and each Step's."""
    ready = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    pages = []
    for path in files:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(300_000)
        page = context.new_page()
        page.goto(base + "/logistic?dataset=csv")
        page.locator(".st-key-logistic-upload input[type=file]").wait_for(state="attached")
        page.wait_for_selector(ready)
        pages.append((context, page, path))
    start = time.monotonic()
    for _, page, path in pages:
        page.locator(".st-key-logistic-upload input[type=file]").set_input_files(path)
    reads = []
    for _, page, path in pages:
        page.get_by_text(f"{path.name}: {rows} rows").wait_for()
        reads.append(round(time.monotonic() - start, 2))
        page.wait_for_selector(ready)
    steps = []
    for _, page, _ in pages:
        start = time.monotonic()
        page.locator(".st-key-logistic-step button").first.click()
        page.get_by_text(re.compile(r"^Epoch \d+.* · stopped")).first.wait_for()
        page.wait_for_selector(ready)
        steps.append(round(time.monotonic() - start, 2))
    return [context for context, _, _ in pages], reads, steps


def uploads_main(n, rounds, collect=None):
    """--uploads N: memory before, at the peak of, and after N sessions with a big CSV."""
    from playwright.sync_api import sync_playwright

    (ROOT / "artifacts").mkdir(exist_ok=True)
    files = [upload_file(i) for i in range(1, n + 1)]
    small = ROOT / "artifacts" / "upload_small.csv"
    small.write_text("x,label\n" + "".join(f"{i % 10},{i % 2}\n" for i in range(100)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port, collect)
    rows, steps = [], {}
    try:
        rows.append(probe(proc, "start", "healthy, no session"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            warm, _, _ = upload_sessions(browser, base, [small], 100)
            warm[0].close()
            drop_closed_sessions(browser, base)
            rows.append(probe(proc, "baseline", "a 100-row upload and Step, session dropped"))
            for cycle in range(1, rounds + 1):
                sampler = PeakSampler(proc.pid)
                start = time.monotonic()
                contexts, reads, steps[cycle] = upload_sessions(browser, base, files,
                                                                UPLOAD_ROWS)
                seconds = time.monotonic() - start
                row = probe(proc, f"{n} uploaded #{cycle}",
                            f"all open ({seconds:.0f} s); read in {reads} s, "
                            f"Step took {steps[cycle]} s")
                row["peak_mb"] = sampler.stop()
                rows.append(row)
                for context in contexts:
                    context.close()
                drop_closed_sessions(browser, base)
                rows.append(probe(proc, f"{n} dropped #{cycle}", "sessions reaped"))
            rows.append(probe(proc, "malloc_trim", "after gc, glibc's free pages handed back",
                              trim=True))
            browser.close()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)

    rss = {r["stage"]: r["rss_mb"] for r in rows}
    before, last, trimmed = rss["baseline"], rows[-2], rows[-1]  # the last "dropped", trim
    peak = max(r.get("peak_mb", 0) for r in rows)
    after = last["rss_mb"] - before
    print_rows(rows)
    print(f"{n} sessions with a {UPLOAD_ROWS:,}-row CSV each: before {before:.1f} MB, peak "
          f"{peak:.1f} MB, after {last['rss_mb']:.1f} MB ({after:+.1f} MB; limit "
          f"{UPLOAD_RETURN_LIMIT}); after a full gc {last['rss_after_gc_mb']:.1f} MB "
          f"({last['rss_after_gc_mb'] - before:+.1f}), after gc and malloc_trim "
          f"{trimmed['rss_after_gc_mb']:.1f} MB ({trimmed['rss_after_gc_mb'] - before:+.1f})")
    summary = {"uploads": n, "rounds": rounds, "rows": UPLOAD_ROWS, "stages": rows,
               "before_mb": rss["baseline"], "peak_mb": peak,
               "after_mb": last["rss_mb"], "after_minus_before_mb": round(after, 1),
               "after_gc_mb": last["rss_after_gc_mb"],
               "after_gc_and_trim_mb": trimmed["rss_after_gc_mb"], "step_seconds": steps}
    print(json.dumps(summary))
    (ROOT / "artifacts" / "memory_uploads.json").write_text(json.dumps(summary, indent=2))
    return 0 if after <= UPLOAD_RETURN_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
