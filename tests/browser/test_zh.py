"""The lab in Chinese in a real browser: the link's lang=zh, the browser's language, the switch,
the navigation's titles, and no text cut at a laptop's and a projector's size.

Screenshots go to artifacts/screenshots/zh-*.png: look at them (CJK glyphs, not boxes).
The CJK glyphs come from Debian's fonts-noto-cjk (scripts/test.sh installs it).
"""
import re
import shutil
import subprocess

import pytest

from tests.browser.helpers import error_elements, screenshot, wait_idle
from tests.browser.test_lecture import clipped
from tests.zh_walk import untranslated

pytestmark = pytest.mark.browser

VIEWPORTS = {"1440x900": (1440, 900), "1280x720": (1280, 720)}
NAV = '[data-testid="stSidebarNav"] a'
TITLES_ZH = ["首页", "引导练习", "逻辑斯蒂回归", "线性回归", "softmax回归",
             "损失函数与 Sigmoid 函数", "张量基础"]


def open_tab(page, app_url, path, size=(1440, 900), locale="en-US"):
    context = page.context.browser.new_context(viewport=dict(zip(("width", "height"), size)),
                                               locale=locale)
    tab = context.new_page()
    tab.goto(app_url.rstrip("/") + path)
    tab.locator(NAV).first.wait_for()
    wait_idle(tab)
    return tab


def cut_text(tab, selector='[data-testid="stMain"]'):
    """The texts cut in `selector` (test_lecture's measure), less the page links' emoji icons,
    whose glyph overhangs its 14 px box by a pixel or two in English as in Chinese."""
    return [c for c in clipped(tab, selector) if re.search(r"\w", c.rsplit(" (", 1)[0])]


def nav_titles(tab):
    """The navigation's page titles, without their icons."""
    return [t.strip().splitlines()[-1].strip() for t in tab.locator(NAV).all_inner_texts()]


def test_a_chinese_font_is_installed():
    assert shutil.which("fc-list"), "fontconfig is missing"
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no CJK font: apt-get install fonts-noto-cjk (scripts/test.sh)"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_home_in_chinese(page, app_url, viewport):
    tab = open_tab(page, app_url, "/?lang=zh", VIEWPORTS[viewport])
    assert error_elements(tab) == []
    assert tab.locator("h1").first.inner_text().strip() == "逻辑斯蒂回归实验室"
    assert nav_titles(tab) == TITLES_ZH
    assert untranslated(nav_titles(tab)) == []
    assert tab.title() == "逻辑斯蒂回归实验室"
    assert cut_text(tab) == [], "text cut in the main area"
    assert cut_text(tab, '[data-testid="stSidebar"]') == [], "text cut in the sidebar"
    screens(tab, f"zh-home-{viewport}")


def screens(tab, name):
    """A screenshot of each screenful of the page (the main area scrolls, not the page)."""
    main = tab.locator('[data-testid="stMain"]')
    height, total = main.evaluate("m => [m.clientHeight, m.scrollHeight]")
    for i in range(-(-total // height)):
        main.evaluate(f"m => m.scrollTo(0, {i * height})")
        tab.wait_for_timeout(200)
        screenshot(tab, f"{name}-{i + 1}", full_page=False)
    main.evaluate("m => m.scrollTo(0, 0)")


def test_the_browser_language_picks_the_first_visit(page, app_url):
    tab = open_tab(page, app_url, "/", locale="zh-CN")
    assert tab.locator("h1").first.inner_text().strip() == "逻辑斯蒂回归实验室"
    english = open_tab(page, app_url, "/", locale="en-GB")
    assert english.locator("h1").first.inner_text().strip() == "Logistic Regression Lab"


def test_the_switch_and_the_pages_keep_the_language(page, app_url):
    tab = open_tab(page, app_url, "/?lang=zh")
    tab.locator(NAV).filter(has_text="损失函数与 Sigmoid 函数").click()
    tab.wait_for_url("**/losses**")
    wait_idle(tab)
    assert "lang=zh" in tab.url and nav_titles(tab) == TITLES_ZH
    tab.locator(".st-key-lab-lang").get_by_text("English").click()
    wait_idle(tab)
    assert nav_titles(tab)[0] == "Home" and "lang=" not in tab.url
    tab.locator(".st-key-lab-lang").get_by_text("简体中文").click()
    wait_idle(tab)
    assert nav_titles(tab)[0] == "首页" and "lang=zh" in tab.url


# Every page in Chinese, trained where it trains: (path, a link's parameters, a text that
# says the page is ready).
PAGES_ZH = {
    "lessons": ("/lessons", "lesson=3&step=1", None),
    "logistic": ("/logistic", "dataset=hours&num_epochs=20&train=1", "已停止（按训练"),
    "linear": ("/linear", "num_epochs=20&train=1", "已停止（按训练"),
    "softmax": ("/softmax", "dataset=digits&num_epochs=3&train=1", "已停止（按训练"),
    "losses": ("/losses", "", None),
    "tensors": ("/tensors", "", None),
}


def chart_texts(tab):
    """Every word the charts draw (titles, axes, legends): SVG text in the main area."""
    texts = tab.locator('[data-testid="stMain"] svg text').evaluate_all(
        "els => els.map(e => e.textContent || '')")
    return [t for t in texts if t.strip()]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES_ZH)
def test_each_page_in_chinese_draws_its_charts_in_chinese(page, app_url, name, viewport):
    path, params, ready = PAGES_ZH[name]
    tab = open_tab(page, app_url, f"{path}?lang=zh&{params}", VIEWPORTS[viewport])
    if ready:  # a train=1 link: it trains once the page is drawn, then stops
        tab.get_by_text(re.compile(re.escape(ready))).first.wait_for(timeout=60_000)
        wait_idle(tab)
    # the tensors page shows PyTorch's own error for the notes' M.sub_(N), on purpose
    assert [e for e in error_elements(tab) if not re.search(r"\w+Error: ", e)] == []
    assert nav_titles(tab) == TITLES_ZH
    if name not in ("lessons", "tensors"):  # charts draw once their code has loaded
        tab.locator('[data-testid="stMain"] svg text').first.wait_for(timeout=30_000)
        wait_idle(tab)
    words = chart_texts(tab)
    if name not in ("lessons", "tensors"):
        assert words, "no chart text found"
    assert untranslated(words) == [], "chart text left in English"
    assert cut_text(tab) == [], "text cut in the main area"
    screens(tab, f"zh-{name}-{viewport}")


@pytest.mark.parametrize("name", ["logistic", "softmax", "linear"])
def test_the_settings_survive_english_chinese_english(page, app_url, name):
    """A select box, radio, select slider or segmented control keeps the label of its choice
    in the browser: switched to Chinese, settings came back as batch 1 and no reduction,
    and back in English the dataset was its label ('hours → pass (C1)': an error box and
    no buttons, on /linear an exception) and the URL carried the labels. Each setting is
    first moved off the page's default by hand (a lost value falls back to the default,
    so defaults would hide it); the URL, which holds the values, must then stay the same."""
    tab = open_tab(page, app_url, f"/{name}", (1280, 720))
    key = f".st-key-{name}-"

    moved = {"impl", "reduction", "batch_size"}

    def pick(setting, index):  # a select box's option, by its place in the list, if it has it
        tab.locator(f"{key}{setting} input").click()
        options = tab.get_by_role("option")
        options.first.wait_for()
        if options.count() > index:
            options.nth(index).click()
            moved.add(setting)
        else:
            tab.keyboard.press("Escape")
        wait_idle(tab)

    pick("dataset", 1)
    pick("init", 1)
    tab.locator(f"{key}impl button").filter(has_text="both").click()
    wait_idle(tab)
    tab.locator(f"{key}reduction [data-testid='stRadioOption']").filter(
        has_not=tab.locator("input:checked")).click()
    wait_idle(tab)
    slider = tab.locator(f"{key}batch_size input[type=range]").first
    slider.focus()
    slider.press("ArrowLeft")
    wait_idle(tab)

    def settings():
        return {"query": dict(p.split("=", 1) for p in tab.url.partition("?")[2].split("&") if p),
                "reductions checked": tab.locator(f"{key}reduction input:checked").count(),
                "train": tab.locator(f"{key}train button").first.is_visible(),
                "errors": error_elements(tab)}

    english = settings()
    assert moved <= set(english["query"]) and "init" in moved
    assert english["reductions checked"] == 1 and english["train"] and not english["errors"]
    chinese = {**english, "query": {**english["query"], "lang": "zh"}}
    for lang, expected in (("简体中文", chinese), ("English", english), ("简体中文", chinese)):
        tab.locator(".st-key-lab-lang").get_by_text(lang).click()
        wait_idle(tab)
        assert settings() == expected
