"""Smoke test: the real app starts and its home page renders without errors."""
import pytest

from tests.browser.helpers import error_elements, open_page, screenshot

pytestmark = pytest.mark.browser


def test_home_page_renders(page, app_url):
    open_page(page, app_url, "/")
    screenshot(page, "smoke-home")
    assert error_elements(page) == [], "the home page shows errors"
    title = page.get_by_role("heading", name="Logistic Regression Lab")
    title.wait_for(state="visible", timeout=10_000)
    assert page.js_errors == [], "uncaught JavaScript errors in the page"
