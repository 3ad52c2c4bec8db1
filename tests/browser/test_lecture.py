"""Lecture mode in a real browser: one screen at a projector's sizes, keys, no clipped text.

A lecturer's projector is 1280×720, often zoomed to 150 %: an 853×480 CSS-pixel viewport.
Each training page is opened in lecture mode at 1280×720, at 853×480 and at 1280×720 with
1.5 device pixels per CSS pixel, driven from the keyboard (S steps, T trains, P stops,
0 resets), and after a Step and after training the status, the four buttons and the page's
three key views must lie inside the viewport, and no label or table cell may be cut.
Normal mode keeps its layout; its settings' labels must not be cut at 1280 px either.
"""
import re
import time

import pytest

from tests.browser.helpers import error_elements, screenshot, status, wait_idle

pytestmark = pytest.mark.browser

PAGES = {  # page → a link's settings: quick to train, with the views the page is about
    "logistic": "dataset=hours&lr=0.1&num_epochs=40",
    "softmax": "dataset=digits&batch_size=256&num_epochs=2",
    "linear": "num_epochs=40",
}
VIEWPORTS = {  # name → (width, height, device scale factor)
    "1280x720": (1280, 720, 1),
    "150pct": (853, 480, 1),   # 1280×720 at 150 % zoom, in CSS pixels
    "1280x720@1.5": (1280, 720, 1.5),
}
CASES = [(name, PAGES[name], viewport) for name in PAGES for viewport in VIEWPORTS] + [
    # two features: the decision boundary is the second view, at the smallest screen
    ("logistic", "dataset=synthetic&batch_size=64&lr=0.1&reduction=mean&num_epochs=3", "150pct"),
]
BUTTONS = ("train", "stop", "step", "reset")
KEYS = {"train": "T", "stop": "P", "step": "S", "reset": "0"}

# Every box with text in it that is cut: wider inside than it shows, where the box hides
# what overflows (an ellipsis, a hidden or scrolled overflow: a label, a select's value, a
# table) or is the text's own box (text that runs out of its cell).
CLIPPED = """(root) => {
  const cut = [];
  for (const el of root.querySelectorAll('*')) {
    if (!(el instanceof HTMLElement) || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.visibility === 'hidden') continue;
    const text = el.tagName === 'INPUT' ? el.value : el.innerText.trim();
    const own = el.tagName === 'INPUT' ||
                [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    if (!text || !(own || hides)) continue;
    // scrolled by design: code, st.dataframe's grid, a formula (KaTeX: its copy for
    // screen readers is cut on purpose)
    if (el.closest('[data-testid="stCode"], [data-testid="stDataFrame"], .katex-display, .katex')) continue;
    if (el.scrollWidth > el.clientWidth + 1)
      cut.push(`${text.slice(0, 40)} (${el.scrollWidth} > ${el.clientWidth} px)`);
  }
  return cut;
}"""


def open_lecture(page, app_url, name, viewport, query):
    width, height, scale = VIEWPORTS[viewport]
    context = page.context.browser.new_context(viewport={"width": width, "height": height},
                                               device_scale_factor=scale)
    tab = context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda exc: tab.js_errors.append(str(exc)))
    tab.goto(f"{app_url}/{name}?lecture=1&{query}")
    tab.locator(f".st-key-{name}-train button").first.wait_for()
    wait_idle(tab)
    return tab


def press(tab, key):
    tab.locator("body").press(key)  # the page, not a field: Streamlit ignores keys typed there
    tab.wait_for_timeout(300)
    wait_idle(tab)


def outside(tab, name):
    """What of the status, the buttons and the three key views is not inside the viewport."""
    size = tab.viewport_size
    parts = {"status": ".st-key-lecture-status",
             **{b: f".st-key-{name}-{b} button" for b in BUTTONS},
             **{f"view {i}": f".st-key-lecture-view-{i}" for i in range(3)}}
    out = {}
    for part, selector in parts.items():
        box = tab.locator(selector).first.bounding_box()
        if box is None or box["height"] < 20:
            out[part] = f"not drawn: {box}"
        elif (box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > size["width"] + 0.5
              or box["y"] + box["height"] > size["height"] + 0.5):
            out[part] = {k: round(v) for k, v in box.items()}
    return out


def clipped(tab, selector='[data-testid="stMain"]'):
    return tab.locator(selector).first.evaluate(CLIPPED)


def assert_one_screen(tab, name, when, shot):
    tab.wait_for_timeout(500)  # the charts' and pictures' own drawing
    screenshot(tab, f"lecture-{shot}-{when}", full_page=False)
    assert tab.locator('[data-testid="stMain"]').evaluate("main => main.scrollTop") == 0
    assert outside(tab, name) == {}, f"{when}: not inside the {tab.viewport_size} viewport"
    assert clipped(tab) == [], f"{when}: text cut"
    assert error_elements(tab) == [] and tab.js_errors == []


@pytest.mark.parametrize("name, query, viewport", CASES)
def test_one_screen_after_a_step_and_after_training(page, app_url, name, query, viewport):
    tab = open_lecture(page, app_url, name, viewport, query)
    shot = "-".join([name, *re.findall(r"dataset=([\w-]+)", query), viewport])
    # no sidebar, and each button shows its key
    assert not tab.locator('[data-testid="stSidebar"]').is_visible()
    for button, key in KEYS.items():  # the label and the key, beside the icon
        shown = tab.locator(f".st-key-{name}-{button} button").first.inner_text()
        assert shown.split()[-2:] == [button.capitalize(), key]
    press(tab, "S")
    assert re.match(r"Epoch (0 of \d+, batch 1 of|1 · stopped|1 of)", status(tab)), status(tab)
    assert tab.locator(".st-key-lecture-step").get_by_text("4 · update").count() == 1
    assert_one_screen(tab, name, "step", shot)
    epochs = int(re.search(r"num_epochs=(\d+)", query).group(1))
    press(tab, "T")
    tab.get_by_text(re.compile(rf"^Epoch {epochs} · stopped")).first.wait_for(timeout=120_000)
    wait_idle(tab)
    assert tab.locator(".st-key-lecture-step").count() == 0  # Train: the Step told is gone
    assert_one_screen(tab, name, "trained", shot)
    if viewport == "150pct":  # the settings, folded in their popover, are not cut either
        tab.get_by_role("button", name=re.compile("Settings")).click()
        popover = tab.locator('[data-testid="stPopoverBody"]')
        popover.wait_for()
        assert clipped(tab, '[data-testid="stPopoverBody"]') == []
        screenshot(tab, f"lecture-{shot}-settings", full_page=False)
    tab.context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_train_stop_step_reset_from_the_keyboard(page, app_url, name):
    tab = open_lecture(page, app_url, name, "1280x720", "num_epochs=100000&batch_size=1")
    press(tab, "S")
    assert status(tab).startswith("Epoch 0 of 100000, batch 1 of")
    press(tab, "S")
    assert "batch 2 of" in status(tab)
    tab.locator("body").press("T")
    tab.get_by_text(re.compile("training…")).first.wait_for()
    time.sleep(1.0)
    press(tab, "P")
    stopped = status(tab)
    assert re.match(r"Epoch \d+ of 100000(, batch \d+ of \d+)? · stopped", stopped), stopped
    assert not stopped.startswith("Epoch 0 of 100000, batch 2 of")  # it trained
    time.sleep(1.0)
    assert status(tab) == stopped  # really stopped
    press(tab, "0")
    assert status(tab).startswith("Epoch 0 of 100000 · ready")
    # keys typed into a field are the field's: the seed takes "0", nothing is reset
    press(tab, "S")
    tab.get_by_role("button", name=re.compile("Settings")).click()
    seed = tab.locator('.st-key-' + name + '-seed input')
    seed.click()
    seed.press("End")
    seed.press("0")
    tab.wait_for_timeout(500)
    wait_idle(tab)
    assert status(tab).startswith("Epoch 0 of 100000, batch 1 of")
    assert error_elements(tab) == []
    tab.context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_the_toggle_switches_and_the_url_keeps_it(page, app_url, name):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/{name}")
    page.locator(f".st-key-{name}-train button").first.wait_for()
    wait_idle(page)
    assert "lecture" not in page.url and page.locator(".st-key-lecture-bar").count() == 0
    assert clipped(page, '[data-testid="stMainBlockContainer"]') == [], "normal mode: text cut"
    screenshot(page, f"normal-{name}-1280x720", full_page=False)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.hover()  # closed and opened by hand: the browser keeps "open" over the page's wish
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.locator(f".st-key-{name}-lecture label").click()  # in the sidebar
    page.locator(".st-key-lecture-bar").wait_for()
    wait_idle(page)
    assert "lecture=1" in page.url and not sidebar.is_visible()
    page.get_by_role("button", name=re.compile("Settings")).click()
    page.locator(f".st-key-{name}-lecture label").click()  # in the popover
    page.locator(".st-key-lecture-bar").wait_for(state="detached")
    wait_idle(page)
    assert "lecture" not in page.url
    assert sidebar.is_visible() and sidebar.get_attribute("data-collapsed") == "false"


# The elements on screen that are stale: drawn by an earlier script run and not yet by this
# one (those below, drawn after training, are stale while a run trains, as ever)
STALE_ON_SCREEN = """() => [...document.querySelectorAll('[data-stale="true"]')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
}).map(e => e.innerText.slice(0, 40))"""


def epoch_while_training(tab):
    """The epoch the status line says, which must say training."""
    text = status(tab)
    assert "training" in text, text
    return int(re.search(r"(?:Epoch|第)\s*(\d+)", text).group(1))


def test_switched_while_training_nothing_stays_faded_and_training_goes_on(page, app_url):
    """Lecture mode switched on mid-run left the normal layout's settings on screen, faded,
    over the lecture view until training ended; switched off, the rule hiding the sidebar
    stayed, and with it the page list and the switches (the browser removes what a script
    run did not draw only when that run is over)."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/logistic?dataset=synthetic&num_epochs=100000")
    page.locator(".st-key-logistic-train button").first.wait_for()
    wait_idle(page)
    page.locator(".st-key-logistic-train button").first.click()
    page.get_by_text(re.compile("training…")).first.wait_for()
    sidebar = page.locator('[data-testid="stSidebar"]')
    for turn_on in (True, False):
        if turn_on:
            page.locator(".st-key-logistic-lecture label").click()  # in the sidebar
            page.locator(".st-key-lecture-bar").wait_for()
        else:
            page.get_by_role("button", name=re.compile("Settings")).click()
            page.locator(".st-key-logistic-lecture label").click()  # in the popover
            page.locator(".st-key-lecture-bar").wait_for(state="detached")
        deadline, seen = time.monotonic() + 20, []
        while True:  # until the page is drawn anew and the same run trains on
            seen.append((epoch_while_training(page), page.evaluate(STALE_ON_SCREEN)))
            if len(seen) > 1 and seen[-1][0] > seen[-2][0] and seen[-1][1] == []:
                break
            assert time.monotonic() < deadline, seen[-3:]  # was the other layout's settings
            time.sleep(0.5)
        assert sidebar.is_visible() != turn_on
        screenshot(page, f"lecture-{'on' if turn_on else 'off'}-while-training", full_page=False)
    page.locator(".st-key-logistic-stop button").first.click()
    wait_idle(page)
    assert error_elements(page) == []
