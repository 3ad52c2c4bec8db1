"""The lesson panel on the training pages in AppTest: a prediction made in it and its
reveal (the answer recomputed by tests/test_lessons.py's own PyTorch code) are the
Lessons page's too, and back; Back and Next stay within the page's lessons; the page's
link keeps its settings and gets no lesson or step; the panel's buttons take no keys.
"""
import pytest

from lab.lessons import LESSONS
from tests.pages import open_link, open_page
from tests.test_lessons import EXPECTED
from tests.test_page_lessons import as_shown, metric, predict
from ui.lesson_panel import NAME, on_page
from ui.lessons import RESULTS

HOURS = LESSONS[2]  # C1 on the logistic page: a slider on the hours axis


def open_panel(at, page):
    at.session_state[f"{NAME}.{page}"] = True  # as a click on the expander sets it
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def button(at, name):
    return at.button(key=f"{NAME}.{name}")


def test_a_reveal_in_the_panel_is_the_runs_and_the_lessons_page_has_it():
    at = open_link("logistic", {"dataset": "hours", "lr": "0.1"})
    link = dict(at.query_params)
    (panel,) = [e for e in at.expander if e.label.startswith("🎯 Predict, then run")]
    assert panel.label == "🎯 Predict, then run: lesson 3 · Hours studied → pass"
    assert not at.slider  # closed: its step is not drawn until it is opened
    open_panel(at, "logistic")
    predict(at, HOURS, 0, 7.0, NAME)
    assert not at.metric  # nothing revealed before Reveal
    button(at, "reveal").click().run()
    assert not at.exception, [e.message for e in at.exception]
    answer = as_shown(EXPECTED[("hours", 0)](), HOURS.steps[0].predict)
    assert metric(at, "The run's answer") == answer
    assert metric(at, "Your prediction") == "7.00 h"
    assert metric(at, "Close?").startswith("no")
    assert button(at, "reveal").disabled
    result = at.session_state[RESULTS][("hours", 0)]
    assert dict(at.query_params) == link  # the page's settings, and no lesson or step

    at.switch_page("views/lessons.py").run()
    assert at.query_params["lesson"] == "3" and at.query_params["step"] == "1"
    assert at.slider(key="lessons.predict.hours.0").value == 7.0
    assert metric(at, "The run's answer") == answer
    assert metric(at, "Your prediction") == "7.00 h"
    assert at.session_state[RESULTS][("hours", 0)] is result  # not run again


def test_a_prediction_on_the_lessons_page_is_in_the_panel():
    at = open_link("lessons", {"lesson": "6", "step": "1"})  # C7: the slides' BCE table
    predict(at, LESSONS[5], 0, "row 4")
    at.button(key="lessons.reveal").click().run()
    at.switch_page("views/losses.py").run()
    open_panel(at, "losses")
    assert at.radio(key=f"{NAME}.predict.bce.0").value == "row 4"
    assert metric(at, "Your prediction") == "row 4"
    assert metric(at, "The run's answer") == EXPECTED[("bce", 0)]()


def test_back_and_next_stay_within_the_pages_lessons_and_the_panel_stays_open():
    at = open_page("logistic")
    open_panel(at, "logistic")
    assert button(at, "back").disabled  # the page's first step: Lessons 1 and 2 are not here
    steps = [(i, j) for i in on_page("logistic") for j in range(len(LESSONS[i].steps))]
    for i, j in steps[1:]:
        button(at, "next").click().run()
        assert not at.exception, [e.message for e in at.exception]
        (panel,) = [e for e in at.expander if e.label.startswith("🎯 Predict, then run")]
        assert panel.label.endswith(f"lesson {i + 1} · {LESSONS[i].title}")
        assert LESSONS[i].steps[j].question in " ".join(m.value for m in at.markdown)
    assert button(at, "next").disabled  # the page's last lesson's last step
    assert "lesson" not in at.query_params
    at.switch_page("views/lessons.py").run()  # the Lessons page goes along
    assert at.query_params["lesson"] == str(steps[-1][0] + 1)
    assert at.query_params["step"] == str(steps[-1][1] + 1)


def test_the_panels_buttons_take_no_keys_and_it_links_to_its_step_in_lessons():
    at = open_page("linear")
    open_panel(at, "linear")
    assert all(not button(at, b).proto.shortcut for b in ("back", "reveal", "next"))
    (link,) = [p for p in at.get("page_link") if p.proto.label == "Open in Lessons"]
    assert link.proto.page.endswith("lessons") and link.proto.query_string == "lesson=2&step=1"


@pytest.mark.parametrize("page, first", [("tensors", 0), ("linear", 1), ("logistic", 2),
                                         ("losses", 5), ("softmax", 7)])
def test_each_page_has_its_lessons_panel_closed(page, first):
    at = open_page(page)
    (panel,) = [e for e in at.expander if e.label.startswith("🎯 Predict, then run")]
    assert panel.label.endswith(f"lesson {first + 1} · {LESSONS[first].title}")
    assert not [w for w in at.main if str(getattr(w, "key", None)).startswith(f"{NAME}.")
                and w.type != "expander"]  # closed: nothing inside it is drawn


def test_lecture_mode_puts_the_panel_below_the_first_screen():
    at = open_link("logistic", {"lecture": "1"})
    order = [getattr(node, "key", None) for node in at.main]  # page order, depth first
    assert order.index("lecture-views") < order.index(f"{NAME}.logistic")
