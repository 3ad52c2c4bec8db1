"""The Lessons page in AppTest: for every step of every lesson, a prediction, Reveal, and
the answer the run or PyTorch call produced (recomputed here by tests/test_lessons.py's
independent PyTorch code); a changed prediction changes the comparison, never the result;
a link opens a step; a bad link is reported as text; lecture mode and its keys.
"""
import pytest
from streamlit.testing.v1 import AppTest

from lab.lessons import LESSONS, Choice
from tests.pages import APP, shown
from tests.test_lessons import EXPECTED, STEPS
from ui.lessons import KEYS, RESULTS


def open_step(lesson_number, step_number, **more):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.query_params.update({"lesson": str(lesson_number), "step": str(step_number), **more})
    at.switch_page("views/lessons.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at, label):
    """A value of the comparison: a metric, or a line "label — **value**" where the
    values are sentences."""
    found = [m.value for m in at.metric if m.label == label]
    found += [shown(line.split(" — ", 1)[1]).strip("*") for m in at.markdown
              for line in m.value.split("  \n") if line.startswith(f"{label} — ")]
    (value,) = found
    return value


def ui_said(at):
    return [m for m in at.markdown if m.value.startswith("Your prediction — ")]


def as_shown(value, spec):
    """An answer as the page should show it, written out here."""
    if isinstance(value, tuple):
        return " or ".join(value)
    if isinstance(value, str):
        return value
    return f"{value:.{spec.digits}f}" + (f" {spec.unit}" if spec.unit else "")


def predict(at, lesson, i, value, name="lessons"):
    """Set the prediction of step i, drawn by the Lessons page (or a panel: `name`)."""
    key = f"{name}.predict.{lesson.key}.{i}"
    choice = isinstance(lesson.steps[i].predict, Choice)
    widget = at.radio(key=key) if choice else at.slider(key=key)
    widget.set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]


def wrong_and_right(step, expected):
    """A prediction far from the answer, and one close to it."""
    spec = step.predict
    if isinstance(spec, Choice):
        answers = expected if isinstance(expected, tuple) else (expected,)
        return next(o for o in spec.options if o not in answers), answers[0]
    far = spec.lo if expected - spec.lo > spec.hi - expected else spec.hi
    near = round(round((expected - spec.lo) / spec.step) * spec.step + spec.lo, 6)
    return far, near


@pytest.mark.parametrize("lesson, i", STEPS, ids=[f"{l.key}-{i}" for l, i in STEPS])
def test_a_prediction_then_the_reveal_shows_what_the_run_computed(lesson, i):
    step = lesson.steps[i]
    at = open_step(LESSONS.index(lesson) + 1, i + 1)
    assert any(step.question in m.value for m in at.markdown)
    assert at.button(key="lessons.reveal").disabled == isinstance(step.predict, Choice)
    expected = EXPECTED[(lesson.key, i)]()
    wrong, right = wrong_and_right(step, expected)
    predict(at, lesson, i, wrong)
    assert not at.metric and not ui_said(at)  # nothing revealed before Reveal
    at.button(key="lessons.reveal").click().run()
    assert not at.exception, [e.message for e in at.exception]
    answer = as_shown(expected, step.predict)
    assert metric(at, "The run's answer") == answer
    assert metric(at, "Your prediction") == as_shown(wrong, step.predict)
    assert metric(at, "Close?").startswith("no")
    assert at.button(key="lessons.reveal").disabled  # run once: the result is kept
    result = at.session_state[RESULTS][(lesson.key, i)]

    predict(at, lesson, i, right)  # a changed prediction: a new comparison, the same result
    assert metric(at, "The run's answer") == answer
    assert metric(at, "Your prediction") == as_shown(right, step.predict)
    assert metric(at, "Close?").startswith("yes")
    assert at.session_state[RESULTS][(lesson.key, i)] is result


def test_back_keeps_the_prediction_and_the_reveal_and_next_goes_on():
    at = open_step(1, 1)
    lesson = LESSONS[0]
    predict(at, lesson, 0, "2×1")
    at.button(key="lessons.reveal").click().run()
    at.button(key="lessons.next").click().run()
    assert at.query_params["lesson"] == "1" and at.query_params["step"] == "2"
    assert not at.metric and not ui_said(at)  # step 2: not revealed yet
    at.button(key="lessons.back").click().run()
    assert at.radio(key="lessons.predict.tensors.0").value == "2×1"
    assert metric(at, "Your prediction") == "2×1" and metric(at, "The run's answer") == "2×3"
    assert at.query_params["step"] == "1"
    assert at.button(key="lessons.back").disabled  # the first step of all: nowhere to go


def test_the_last_step_of_a_lesson_shows_the_tally_without_a_mark():
    at = open_step(6, 1)  # C7: two steps that are PyTorch calls
    lesson = LESSONS[5]
    predict(at, lesson, 0, "row 1")
    at.button(key="lessons.reveal").click().run()
    at.button(key="lessons.next").click().run()
    predict(at, lesson, 1, 1.5)
    at.button(key="lessons.reveal").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "Close on **1 of 2** revealed predictions in this lesson" in text
    assert "Not a mark" in text
    (table,) = [df for df in at.dataframe if "close" in df.value.columns]
    assert list(table.value["close"]) == ["yes", "no"]
    # Changed after the reveal: the comparison follows, the tally keeps what was committed
    answer = EXPECTED[(lesson.key, 1)]()
    predict(at, lesson, 1, round(answer, 2))
    assert metric(at, "Close?").startswith("yes")
    text = " ".join(m.value for m in at.markdown)
    assert "Close on **1 of 2** revealed predictions in this lesson" in text
    said = as_shown(1.5, lesson.steps[1].predict)
    assert any(f"Before the reveal you said {said};" in shown(c.value) for c in at.caption)
    (table,) = [df for df in at.dataframe if "close" in df.value.columns]
    assert list(table.value["close"]) == ["yes", "no"]
    at.button(key="lessons.next").click().run()  # on to the next lesson, step 1
    assert at.query_params["lesson"] == "7" and at.query_params["step"] == "1"


def test_the_lesson_picker_opens_a_lesson_at_its_first_step_and_the_url_follows():
    at = open_step(1, 3)
    at.selectbox(key="lessons.pick").set_value(4).run()
    assert at.query_params["lesson"] == "5" and at.query_params["step"] == "1"
    assert at.header[0].value.startswith("5 · ")


def test_a_bad_link_is_reported_as_text_and_dropped():
    at = open_step("[x](https://example.com)", "<b>9</b>")
    (warning,) = at.warning
    assert "`lesson`" in warning.value and "`step`" in warning.value
    assert "](https" not in warning.value and "<b>" not in warning.value
    assert "[x](https://example.com)" in shown(warning.value)
    assert at.query_params["lesson"] == "1" and at.query_params["step"] == "1"
    at.button(key="lessons.next").click().run()  # told once: gone at the next step
    assert not at.warning and at.query_params["step"] == "2"


def test_a_step_out_of_range_keeps_the_lesson():
    at = open_step(2, 7)
    assert "`step (lesson 2 has 2 steps)` = “7”" in shown(at.warning[0].value)
    assert at.query_params["lesson"] == "2" and at.query_params["step"] == "1"


def test_lecture_mode_puts_the_buttons_on_their_keys_and_keeps_the_link():
    at = open_step(3, 2, lecture="1")
    assert at.session_state["lab.lecture"] and not at.warning
    keys = {b: at.button(key=f"lessons.{b}").proto.shortcut for b in KEYS}
    assert keys == {b: k.lower() for b, k in KEYS.items()}
    status = " ".join(m.value for m in at.markdown)
    assert "**Lesson 3** · C1 · Hours studied → pass · step 2 of 2" in status
    assert at.query_params["lecture"] == "1" and at.query_params["step"] == "2"
    predict(at, LESSONS[2], 1, "lr 0.1")
    at.button(key="lessons.reveal").click().run()
    assert metric(at, "The run's answer") == EXPECTED[("hours", 1)]()
    at.toggle(key="lessons.lecture").set_value(False).run()
    assert "lecture" not in at.query_params and not at.session_state["lab.lecture"]
