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
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
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


def start_server(port):
    cmd = [sys.executable, "-c", PROBE, "run", "app.py", "--server.headless=true",
           "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
           f"--server.disconnectedSessionTTL={SESSION_TTL}"]
    log = open(ROOT / "artifacts" / "measure_memory_server.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1",
                                 "LAB_MEMPROBE": str(PROBE_FILE)})
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


def main():
    from playwright.sync_api import sync_playwright

    (ROOT / "artifacts").mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port)
    rows = []

    def record(stage, note="", trim=False):
        """RSS as it is, then after a full collection with what is still alive."""
        rss = round(rss_mb(proc.pid), 1)
        PROBE_FILE.unlink(missing_ok=True)
        os.kill(proc.pid, signal.SIGUSR2 if trim else signal.SIGUSR1)
        for _ in range(100):
            if PROBE_FILE.exists():
                break
            time.sleep(0.1)
        alive = json.loads(PROBE_FILE.read_text())
        rows.append({"stage": stage, "rss_mb": rss, "rss_after_gc_mb": round(rss_mb(proc.pid), 1),
                     **alive, "note": note})

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
    print(f"{'stage':<18}{'RSS MB':>9}{'after gc':>10}{'sessions':>10}{'runs':>6}  note")
    for r in rows:
        print(f"{r['stage']:<18}{r['rss_mb']:>9.1f}{r['rss_after_gc_mb']:>10.1f}"
              f"{r['sessions']:>10}{r['runs']:>6}  {r['note']}")
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


if __name__ == "__main__":
    sys.exit(main())
