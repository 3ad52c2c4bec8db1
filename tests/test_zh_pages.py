"""Each page in Chinese (lang=zh) shows no English outside formulas, code and names; English
is unchanged; the language switch follows the link, the session and the browser.

To add a page once its strings are wrapped in _() and translated: one line in ZH_PAGES,
(the page file, the link's parameters that open it in the state to check). A page whose
interesting text appears only after an action (a Step, a run) gets a second line with
the parameters that bring it there (train=1 with few epochs, lecture=1…).
"""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lab import i18n
from tests import zh_walk
from tests.zh_walk import english_runs, untranslated, visible_texts
from ui import language

APP = str(Path(__file__).resolve().parents[1] / "app.py")

ZH_PAGES = [
    pytest.param("views/home.py", {}, id="home"),
    pytest.param("views/softmax.py", {}, id="softmax"),
    pytest.param("views/softmax.py", {"num_epochs": "3", "train": "1"}, id="softmax-trained"),
    pytest.param("views/linear.py", {}, id="linear"),
    pytest.param("views/linear.py", {"num_epochs": "3", "train": "1"}, id="linear-trained"),
    pytest.param("views/losses.py", {}, id="losses"),
    pytest.param("views/tensors.py", {}, id="tensors"),
    pytest.param("views/logistic.py", {"lecture": "1"}, id="logistic-lecture"),
    pytest.param("views/logistic.py", {}, id="logistic"),
    pytest.param("views/logistic.py", {"dataset": "hours", "num_epochs": "5", "train": "1"},
                 id="logistic-trained"),
    pytest.param("views/lessons.py", {"lesson": "3", "step": "1"}, id="lessons-hours"),
    pytest.param("views/lessons.py", {"lesson": "1", "step": "2"}, id="lessons-tensors"),
    pytest.param("views/lessons.py", {"lesson": "8", "step": "1"}, id="lessons-digits"),
]


def open_app(page=None, **params):
    """A fresh session opened from a link with `params` (lang=zh…), then on `page`."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page and page != "views/home.py":
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_step_in_four_stages_in_chinese():
    """After a Step on the logistic page in zh: its four stages (the tabs under "The last
    Step, in four stages"), the heading and the status line hold no English."""
    at = open_app("views/logistic.py", lang="zh")
    i18n.use("zh")  # AppTest calls the widgets' format_funcs in this thread, at the click
    try:
        at.button(key="logistic.step").click().run()
    finally:
        i18n.use("en")
    assert not at.exception, [e.message for e in at.exception]
    assert [t.label for t in at.tabs] == ["1 · 前向计算", "2 · 损失", "3 · 反向传播", "4 · 参数更新"]
    texts = [t.label for t in at.tabs] + [h.value for h in at.subheader]
    for tab in at.tabs:
        texts += _texts_under(tab)
    assert len(texts) > 10, texts
    assert "最近一次单步，分四个阶段" in texts
    assert untranslated(texts) == [], untranslated(texts)
    status = [m.value for m in at.markdown if m.value.startswith("**第 ")]
    assert status and untranslated(status) == [], status


def _texts_under(node):
    texts = []
    zh_walk._walk(node, texts)
    return [t for t in texts if t and t.strip()]


@pytest.mark.parametrize("page, params", ZH_PAGES)
def test_page_in_chinese_has_no_english_left(page, params):
    at = open_app(page, lang="zh", **params)
    texts = visible_texts(at)
    assert len(texts) > 10, texts  # the walk found the page
    left = untranslated(texts)
    assert left == [], "\n".join(f"{t!r}: {english_runs(t)}" for t in left)


def test_home_in_english_is_unchanged():
    at = open_app()
    assert at.title[0].value == "Logistic Regression Lab"
    assert at.markdown[0].value.startswith(
        "Train linear, logistic and softmax regression **live**, written by hand from tensors "
        "and built from `torch.nn`, side by side. Pick the settings, press **Train**")
    assert [h.value for h in at.header] == ["The pages, in the course's order",
                                           "The course's experiments, one click each"]
    texts = visible_texts(at)
    assert "**Settings:** torch.nn, lr 0.01, summed BCE (`size_average=False`), full batch, " \
           "1000 epochs." in texts
    assert "#### C2 · iris, setosa vs versicolor, by hand" in texts
    assert "**Open and train**" in texts
    assert len(untranslated(texts)) > 20  # the detector sees English where there is English
    assert "lang" not in at.query_params


def test_the_switch_and_the_link_agree():
    at = open_app(lang="zh")
    (switch,) = [w for w in at.sidebar if getattr(w, "key", None) == language.KEY]
    assert switch.value == "zh"
    assert at.title[0].value == "逻辑斯蒂回归实验室"
    switch.set_value("en").run()
    assert at.title[0].value == "Logistic Regression Lab"
    assert "lang" not in at.query_params
    switch.set_value("zh").run()
    assert at.title[0].value == "逻辑斯蒂回归实验室"
    assert at.query_params.get("lang") == "zh"


def test_the_language_stays_from_page_to_page_and_in_the_url():
    at = open_app(lang="zh")
    at.switch_page("views/losses.py").run()
    assert not at.exception
    assert language.STATE in at.session_state and at.session_state[language.STATE] == "zh"
    assert at.query_params.get("lang") == "zh"


def test_a_training_page_keeps_lang_in_the_url_it_writes():
    at = open_app("views/linear.py", lang="zh", num_epochs="40")
    assert at.query_params.get("lang") == "zh"
    assert at.query_params.get("num_epochs") == "40"


def test_a_bad_language_in_a_link_is_reported_and_dropped():
    at = open_app(lang="<b>fr</b>")
    assert at.title[0].value == "Logistic Regression Lab"
    (warning,) = [w.value for w in at.sidebar if getattr(w, "type", None) == "warning"]
    assert "lang=zh" in warning and "\\<b\\>fr" in warning  # the value as text, escaped
    assert "lang" not in at.query_params


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("zh-TW", "zh"), ("zh", "zh"),
                                          ("en-US", "en"), ("de-DE", "en"), (None, "en"),
                                          ("", "en")])
def test_a_first_visit_follows_the_browser(locale, lang):
    assert language.from_locale(locale) == lang


def test_lessons_next_in_chinese_moves_on_and_keeps_lang():
    at = open_app("views/lessons.py", lang="zh")
    assert at.query_params.get("step") == "1"
    (next_button,) = [b for b in at.button if b.label in ("Next", "下一步")]
    next_button.click().run()
    assert at.query_params.get("step") == "2" and at.query_params.get("lang") == "zh"



@pytest.mark.parametrize("lesson, step", [("1", "2"), ("6", "1"), ("5", "1")],
                         ids=["printed", "table", "curves"])
def test_a_lesson_revealed_in_chinese_has_no_english_left(lesson, step):
    """The comparison, the why and the run's detail are Chinese; the option picked stays
    the English one the run's answer is compared with."""
    from lab.lessons import LESSONS
    at = open_app("views/lessons.py", lang="zh", lesson=lesson, step=step)
    the_lesson, i = LESSONS[int(lesson) - 1], int(step) - 1
    picked = the_lesson.steps[i].predict.options[0]
    at.radio(key=f"lessons.predict.{the_lesson.key}.{i}").set_value(picked).run()
    at.button(key="lessons.reveal").click().run()
    assert not at.exception, [e.message for e in at.exception]
    said = [m.label for m in at.metric] + [m.value for m in at.markdown]
    assert any("运行的答案" in text for text in said)                  # the comparison
    assert at.info and at.info[0].value != the_lesson.steps[i].why     # the why
    left = untranslated(visible_texts(at))                             # the detail, all
    assert left == [], "\n".join(f"{t!r}: {english_runs(t)}" for t in left)
    assert at.session_state["lessons.predictions"][(the_lesson.key, i)] == picked


def test_a_reveal_made_in_english_reads_in_chinese_after_the_switch():
    """The Reveal callback runs before the page sets the language, and its Result stays in
    the session: its detail is worded where it is drawn, in the language of that run."""
    at = open_app("views/lessons.py", lesson="6", step="1")
    at.radio(key="lessons.predict.bce.0").set_value("row 1").run()
    at.button(key="lessons.reveal").click().run()
    assert any("their mean" in m.value for m in at.markdown)
    (switch,) = [w for w in at.sidebar if getattr(w, "key", None) == language.KEY]
    switch.set_value("zh").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("它们的平均值" in m.value for m in at.markdown)
    assert untranslated(visible_texts(at)) == []


def test_a_divergence_told_in_chinese_reads_in_english_after_the_switch():
    """The panel keeps what stopped training (the Diverged), not its sentence: the message
    is worded each time it is shown, in the language of that script run."""
    at = open_app("views/linear.py", lang="zh", lr="10", num_epochs="20", train="1")
    (error,) = at.error
    assert "训练已停止" in error.value and untranslated([error.value]) == []
    (switch,) = [w for w in at.sidebar if getattr(w, "key", None) == language.KEY]
    switch.set_value("en").run()
    assert not at.exception, [e.message for e in at.exception]
    (error,) = at.error
    assert error.value.startswith("Training stopped:") and "训练" not in error.value
