"""The lesson panel on the logistic page in a real browser: opened, a prediction, Reveal,
photographed at 1440×900 and 1280×720, and in lecture mode at 1280×720, where it must
sit below the first screen's three views. No text may be cut; the page's link keeps its
settings; "Open in Lessons" opens the same step with the same prediction and answer.
"""
import pytest

from tests.browser.helpers import error_elements, new_tab, screenshot, wait_idle
from tests.browser.test_lecture import clipped, outside
from tests.browser.test_lessons import metric, shows, slide_to
from tests.test_lessons import EXPECTED

pytestmark = pytest.mark.browser

PANEL = ".st-key-lessons-panel-logistic"
SLIDER = "lessons-panel-predict-hours-0"  # C1: at how many hours does P(pass) cross ½?


def open_logistic(page, app_url, width, height, query):
    return new_tab(page, f"{app_url}/logistic?{query}", width, height,
                   ".st-key-logistic-train button")


def open_panel(tab):
    assert tab.locator(f".st-key-{SLIDER}").count() == 0  # closed, and not drawn
    tab.locator(f"{PANEL} summary").first.click()
    tab.locator(f".st-key-{SLIDER}").first.wait_for(timeout=30_000)
    wait_idle(tab)


def reveal(tab):
    tab.locator(".st-key-lessons-panel-reveal button").first.click()
    tab.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
    wait_idle(tab)
    assert metric(tab, "The run's answer") == f"{EXPECTED[('hours', 0)]():.2f} h"


def photograph(tab, shot):
    """The panel from its top (below Streamlit's header), as far as the screen shows it."""
    tab.locator(PANEL).first.evaluate("""el => {
        el.scrollIntoView({block: 'start'});
        el.closest('[data-testid="stMain"]').scrollBy(0, -70);
    }""")
    tab.wait_for_timeout(800)  # the charts' own drawing
    screenshot(tab, shot, full_page=False)
    assert clipped(tab) == [], f"{shot}: text cut"
    assert error_elements(tab) == [] and tab.js_errors == []


@pytest.mark.parametrize("width, height", [(1440, 900), (1280, 720)])
def test_predict_and_reveal_in_the_panel(page, app_url, width, height):
    tab = open_logistic(page, app_url, width, height, "dataset=hours&lr=0.1")
    title = tab.locator(f"{PANEL} summary").first.inner_text()
    assert "🎯 Predict, then run: lesson 3 · Hours studied → pass" in title
    open_panel(tab)
    slide_to(tab, SLIDER, 20, "ArrowRight")  # 5.0 h → 7.0 h
    reveal(tab)
    assert shows(tab, "Your prediction", "7.00 h") and shows(tab, "Close?", "no")
    assert tab.locator(f'{PANEL} [data-testid="stVegaLiteChart"]').count() == 1
    assert "lesson=" not in tab.url and "step=" not in tab.url and "lr=0.1" in tab.url
    photograph(tab, f"lesson-panel-{width}x{height}-reveal")

    tab.locator(PANEL).get_by_text("Open in Lessons").first.click()
    tab.locator(".st-key-lessons-reveal button").first.wait_for(timeout=60_000)
    wait_idle(tab)
    assert "/lessons?" in tab.url and "lesson=3&step=1" in tab.url
    assert shows(tab, "Your prediction", "7.00 h")
    assert metric(tab, "The run's answer") == f"{EXPECTED[('hours', 0)]():.2f} h"
    tab.context.close()


def test_in_lecture_mode_the_panel_waits_below_the_first_screen(page, app_url):
    tab = open_logistic(page, app_url, 1280, 720, "lecture=1&dataset=hours&lr=0.1")
    assert outside(tab, "logistic") == {}  # the status, the buttons, the three views
    assert tab.locator(PANEL).first.bounding_box()["y"] >= 720
    open_panel(tab)
    slide_to(tab, SLIDER, 25, "ArrowLeft")  # 2.5 h
    tab.locator("body").press("V")  # the Lessons page's key: not bound on a training page
    tab.wait_for_timeout(500)
    wait_idle(tab)
    assert tab.locator('[data-testid="stMetric"]').count() == 0
    reveal(tab)
    assert shows(tab, "Your prediction", "2.50 h")
    photograph(tab, "lesson-panel-lecture-1280x720-reveal")
    tab.locator("html").evaluate("el => el.scrollTo(0, 0)")
    tab.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    tab.wait_for_timeout(500)
    assert outside(tab, "logistic") == {}  # an open panel pushes nothing off the first screen
    screenshot(tab, "lesson-panel-lecture-1280x720-first-screen", full_page=False)
    tab.context.close()
