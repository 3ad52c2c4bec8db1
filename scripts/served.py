"""The real app served for a benchmark: `streamlit run app.py` on a free port, pinned to a
core, waited for until healthy, and stopped with its whole process group.
Used by bench_first_paint.py and bench_visitors.py (tests/browser/conftest.py has the
pytest fixture of the same)."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

START_SECONDS = 60


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(repo, core, log_path, env=None):
    """Yields (base URL, the server's pid) of app.py in `repo`, on CPU `core`."""
    port = free_port()
    cmd = ["taskset", "-c", str(core), sys.executable, "-m",
           "streamlit", "run", "app.py", "--server.headless=true",
           "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=repo, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, base, log_path)
        yield base, proc.pid
    finally:
        stop(proc)


def _wait_healthy(proc, base, log_path):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"streamlit exited with {proc.returncode}; log: {log_path}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    sys.exit(f"streamlit not healthy after {START_SECONDS} s; log: {log_path}")


def stop(proc):
    """SIGTERM the server's process group, then SIGKILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue
