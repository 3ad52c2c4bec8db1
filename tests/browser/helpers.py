"""Helpers for browser tests (Playwright sync API, Streamlit 1.67 DOM).

    from tests.browser.helpers import open_page, wait_idle, error_elements, screenshot

Selectors that hold in Streamlit 1.67:
- `[data-testid="stApp"]` carries `data-test-script-state`: "initial" before the first run,
  then "running" / "notRunning" (and a few others while a rerun is pending).
- Keyed widgets carry the CSS class `st-key-<key>`: the most reliable selector.
- An uncaught exception renders `[data-testid="stException"]`; `st.error(...)` and the
  app's own error boxes render `[data-testid="stAlertContentError"]` (the testid is
  `stAlertContent` + the capitalised kind: Error, Warning, Info, Success).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"

APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-script-state="notRunning"]'
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def wait_idle(page: Page, timeout: float = 30_000, settle: float = 300) -> None:
    """Wait until the app's script has finished running (times in ms).

    Waits for the app root, then for script state "notRunning", then `settle` ms (a click
    may not have started its rerun yet, and the browser needs a moment to paint), then
    checks "notRunning" again.
    """
    page.wait_for_selector(APP, state="attached", timeout=timeout)
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)
    page.wait_for_timeout(settle)
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)


def open_page(page: Page, app_url: str, path: str = "/", timeout: float = 30_000) -> Page:
    """Go to `app_url` + `path` (e.g. "/" or "/logistic") and wait until the script is idle."""
    page.goto(app_url.rstrip("/") + "/" + path.lstrip("/"), timeout=timeout)
    wait_idle(page, timeout=timeout)
    return page


def new_tab(page: Page, url: str, width: int, height: int, ready: str) -> Page:
    """A tab of its own size (a new browser context) at `url`, once the element `ready`
    (a CSS selector) is there and the script is idle; its JavaScript errors collect in
    `tab.js_errors`."""
    context = page.context.browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda exc: tab.js_errors.append(str(exc)))
    tab.goto(url)
    tab.locator(ready).first.wait_for(timeout=60_000)
    wait_idle(tab)
    return tab


def error_elements(page: Page) -> list[str]:
    """Texts of every visible error on the page: exceptions and error alerts.

    An exception box contains its own error alert; it is reported once.
    """
    return page.eval_on_selector_all(
        ERROR_SELECTOR,
        """els => els
            .filter(el => !(el.dataset.testid === 'stAlertContentError'
                            && el.closest('[data-testid="stException"]')))
            .map(el => (el.querySelector('[data-testid="stExceptionMessage"]') || el)
                         .innerText.trim())""",
    )


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a PNG under artifacts/screenshots/<name>.png and return its path. Look at it."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "screenshot"
    path = SCREENSHOT_DIR / (safe if safe.endswith(".png") else safe + ".png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


def status(page: Page) -> str:
    """The training panel's status line, e.g. "Epoch 3 of 20 · training…"."""
    return page.get_by_text(re.compile(r"^Epoch \d+.* · ")).first.inner_text()


def done(epochs: int) -> str:
    """The status of a run that trained all `epochs` and stopped: Train would add more."""
    return rf"^Epoch {epochs} · stopped \(Train: \d+ more epochs\)"


def wait_until_done(page: Page, epochs: int, timeout: float = 120) -> None:
    """Wait (seconds) until the status says all `epochs` are done and training stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.match(done(epochs), status(page)):
            return
        time.sleep(0.3)
    raise AssertionError(f"training did not finish: {status(page)!r}")
