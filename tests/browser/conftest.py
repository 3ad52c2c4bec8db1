"""Browser-test harness: the real app (`streamlit run app.py`) driven by Debian's Chromium.

Fixtures: `app_url` (session: a running server, base URL without trailing slash),
`browser` (session: headless Chromium), `page` (per test: fresh context, 1400x1000).
Helpers live in tests/browser/helpers.py. A failing browser test gets a screenshot under
artifacts/screenshots/FAILED-*.png and the tail of the server log in its report.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import REPO_ROOT, screenshot

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 60.0  # seconds
PAGE_TIMEOUT_MS = 30_000

_server_log: Path | None = None  # set by app_url; read when a test fails


def _tail(path: Path | None, lines: int = 60) -> str:
    if path is None or not path.exists():
        return "<no server log>"
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:]) or "<server log is empty>"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start `streamlit run app.py` on a free port; yield "http://127.0.0.1:<port>"."""
    global _server_log
    port = _free_port()
    _server_log = tmp_path_factory.mktemp("streamlit") / "server.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(_server_log, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {proc.returncode} before becoming healthy.\n"
                    f"command: {' '.join(cmd)}\n--- server log (tail) ---\n{_tail(_server_log)}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy at {base}/_stcore/health after {SERVER_START_TIMEOUT:.0f} s.\n"
                    f"--- server log (tail) ---\n{_tail(_server_log)}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium via Playwright (never `playwright install`)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} not found. Run the tests with `bash scripts/test.sh`, which installs "
            "Debian's chromium (apt-get install chromium), or install it yourself.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh context and page per test; records page errors for failure reports."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    pg = context.new_page()
    pg.js_errors = []  # uncaught JS errors in the page, shown if the test fails
    pg.on("pageerror", lambda exc: pg.js_errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test: save a screenshot, attach the server log tail and JS errors."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or report.when not in ("setup", "call"):
        return
    pg = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if pg is not None and not pg.is_closed():
        try:
            path = screenshot(pg, f"FAILED-{item.nodeid}")
            report.sections.append(("browser screenshot", str(path)))
        except Exception as exc:  # a broken page must not hide the real failure
            report.sections.append(("browser screenshot", f"could not save: {exc!r}"))
        if getattr(pg, "js_errors", None):
            report.sections.append(("page errors (JS)", "\n".join(pg.js_errors)))
    if report.when == "call" and "app_url" in getattr(item, "fixturenames", ()):
        report.sections.append(("streamlit server log (tail)", _tail(_server_log)))
