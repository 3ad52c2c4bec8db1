"""Every page in a real browser, a shared link's settings in the widgets, and Reset.

The page list is read from app.py's st.Page(...) calls, so a new page is covered as soon
as it is registered.
"""
import ast
import re
import time
from pathlib import Path

import pytest

from tests.browser.helpers import REPO_ROOT, done, error_elements, screenshot, status, wait_idle
from tests.browser.test_logistic import curve_points

pytestmark = pytest.mark.browser


def registered_pages():
    """(file, url path, title) of every st.Page in app.py, in order; "" is the default page."""
    pages = []
    for node in ast.walk(ast.parse((REPO_ROOT / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            file = ast.literal_eval(node.args[0])
            kw = {k.arg: ast.literal_eval(_untranslated(k.value)) for k in node.keywords}
            path = "" if kw.get("default") else kw.get("url_path", Path(file).stem)
            pages.append((node.lineno, file, path, kw.get("title", Path(file).stem)))
    return [p[1:] for p in sorted(pages)]


def _untranslated(node):
    """A title's English: the msgid of _("Home") (lab.i18n)."""
    is_gettext = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
    return node.args[0] if is_gettext else node


PAGES = registered_pages()
# Errors a page shows on purpose, as teaching: anything else is a failure.
INTENDED_ERRORS = {
    "views/tensors.py": [r"output with shape \[1, 3\] doesn't match the broadcast shape"],
}


def test_app_registers_pages():
    assert len(PAGES) >= 5 and PAGES[0][1] == ""  # the home page first, as the default


@pytest.mark.parametrize("file, path, title", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_loads_without_errors(page, app_url, file, path, title):
    page.goto(f"{app_url}/{path}")
    page.locator("h1").first.wait_for(timeout=60_000)  # its own content, not just the frame
    wait_idle(page, timeout=60_000)
    screenshot(page, f"page-{Path(file).stem}", full_page=False)
    intended = INTENDED_ERRORS.get(file, [])
    errors = [e for e in error_elements(page) if not any(re.search(p, e) for p in intended)]
    assert errors == [], f"{file} shows errors"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.js_errors == [], f"{file}: JavaScript errors"
    nav = page.eval_on_selector_all('[data-testid="stSidebarNav"] a',
                                    "as => as.map(a => new URL(a.href).pathname)")
    assert nav == ["/" + p for _, p, _ in PAGES], "the sidebar lists exactly app.py's pages"


SHARED = {"dataset": "iris", "impl": "both", "lr": "0.05", "batch_size": "32", "num_epochs": "7",
          "seed": "3", "init": "zeros", "reduction": "mean", "standardize": "true"}


def test_a_shared_link_opens_with_its_settings_in_the_widgets(page, app_url):
    page.goto(f"{app_url}/logistic?" + "&".join(f"{k}={v}" for k, v in SHARED.items()))
    page.locator(".st-key-logistic-train button").first.wait_for()
    wait_idle(page)
    key = lambda name: f".st-key-logistic-{name}"  # noqa: E731
    assert "iris" in page.locator(f"{key('dataset')} input").input_value()
    assert page.locator(f"{key('impl')} [role=radio][aria-checked=true]").inner_text() == "both"
    assert page.locator(f"{key('lr')} input[type=range]").get_attribute("aria-valuetext") == "0.05"
    assert page.locator(f"{key('batch_size')} input[type=range]").get_attribute(
        "aria-valuetext") == "32"
    assert page.locator(f"{key('num_epochs')} input").input_value() == "7"
    assert page.locator(f"{key('seed')} input").input_value() == "3"
    assert page.locator(f"{key('init')} input").input_value() == "zeros"
    assert page.locator(f"{key('reduction')} label[data-selected=true]").inner_text() == "mean"
    assert page.locator(f"{key('standardize')} input[role=switch]").is_checked()
    assert status(page).startswith("Epoch 0 of 7 · ready")
    for name, value in SHARED.items():  # the address still carries them, to share again
        assert f"{name}={value}" in page.url
    assert error_elements(page) == [] and page.js_errors == []


def test_reset_clears_a_finished_run(page, app_url):
    page.goto(f"{app_url}/logistic?dataset=hours&num_epochs=60&train=1")
    page.get_by_text(re.compile(done(60))).first.wait_for(timeout=60_000)
    wait_idle(page)
    loss = lambda: curve_points(page, "Loss (mean BCE per example)")  # noqa: E731
    assert eventually(lambda: loss() >= 60), loss()
    page.locator(".st-key-logistic-reset button").first.click()
    page.get_by_text(re.compile(r"^Epoch 0 of 60 · ready")).first.wait_for()
    wait_idle(page)
    assert eventually(lambda: loss() == 0), loss()  # the chart redraws a moment later
    assert error_elements(page) == [] and page.js_errors == []


def eventually(condition, timeout=10.0):
    """True as soon as `condition()` is, polling; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_markup_in_a_link_is_shown_as_text_never_run(page, app_url):
    page.goto(f"{app_url}/logistic?impl=<img src=x onerror=\"window.__pwned=1\">"
              f"&dataset=<script>window.__pwned=2</script>")
    page.locator(".st-key-logistic-train button").first.wait_for()
    wait_idle(page)
    notice = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "impl" in notice and "dataset" in notice
    assert page.evaluate("window.__pwned") is None
    assert error_elements(page) == []
