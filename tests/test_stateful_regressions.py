"""What the stateful test (tests/test_stateful.py) found, each as a plain AppTest sequence.

Each test is the shortest sequence found for one failure (or, where the machine's budget
did not reach a bug named in issue 9, the issue's own), written out by hand. Every one
failed on 5a0f7c3. A test marked xfail reproduces a bug not fixed in the tree yet: remove
the mark when the fix lands (xfail_strict makes an unexpected pass fail, as a reminder).
"""
import pytest
import torch
from streamlit.testing.v1 import AppTest

from tests.pages import APP, set_widget
from tests.stateful_corpus import CORPUS, LATEX, LINK
from tests.test_stateful import (STATUS, UNCAUGHT, bad_cells, rendered_markup, shown,
                                 texts_rendered_as_markdown, uploaded_dataset)
from ui.presets import PRESETS

PRESET = {p.key: p for p in PRESETS}


def session():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    UNCAUGHT.seen.clear()
    return at


def open_page(page):
    at = session()
    at.switch_page(f"views/{page}.py").run()
    return at


def open_link(at, page, params):
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page(f"views/{page}.py").run()
    return at


def assert_no_exception(at):
    assert not at.exception and not UNCAUGHT.seen, UNCAUGHT.seen or [e.value for e in at.exception]
    assert not any(e.value.startswith("Training stopped by an error") for e in at.error), \
        [e.value for e in at.error]


def assert_no_markup(at):
    rendered = [(kind, text) for kind, text, html in texts_rendered_as_markdown(at)
                if rendered_markup(text, html)]
    assert not rendered, rendered


def status(at):
    (line,) = [m.value for m in at.markdown if STATUS.match(m.value)]
    return line


def panel(at, page):
    return at.session_state[f"{page}.panel"]


def upload(at, page, name):
    at.selectbox(key=f"{page}.dataset").set_value("csv").run()
    at.file_uploader(key=f"{page}.upload").upload(name, CORPUS[name].data, "text/csv").run()
    return at


# -- a trained run drawn with another dataset's data --------------------------------------

@pytest.mark.parametrize("press", ["train", "step"])
def test_switching_the_dataset_after_training_or_a_step(press):
    at = open_page("logistic")
    at.number_input(key="logistic.num_epochs").set_value(2).run()
    at.button(key=f"logistic.{press}").click().run()
    at.selectbox(key="logistic.dataset").set_value("iris").run()
    assert_no_exception(at)  # was: mat1 and mat2 shapes cannot be multiplied (80x4 and 1x1)


def test_a_preset_on_other_data_after_a_trained_run():
    at = open_link(session(), "logistic", PRESET["C3-nn"].query_params() | {"num_epochs": "3"})
    open_link(at, "logistic", PRESET["C1-slides"].query_params() | {"num_epochs": "3"})
    assert_no_exception(at)  # was: mat1 and mat2 shapes cannot be multiplied (200x1 and 2x1)
    assert panel(at, "logistic").run.config.dataset == "hours"


def test_an_upload_on_the_softmax_page_after_training_digits():
    at = open_page("softmax")
    at.number_input(key="softmax.num_epochs").set_value(1).run()
    at.button(key="softmax.train").click().run()
    upload(at, "softmax", "plain.csv")
    assert_no_exception(at)  # was: size of tensor a (4) must match ... b (450) (confusion.py)


# -- the status line --------------------------------------------------------------------

def test_c1_then_c2_presets_in_one_session():
    at = open_link(session(), "logistic", PRESET["C1-slides"].query_params())
    open_link(at, "logistic", PRESET["C2"].query_params())
    assert_no_exception(at)
    run = panel(at, "logistic").run
    assert (run.config.dataset, run.epoch) == ("iris", 500)
    assert status(at).startswith("**Epoch 500**") and "of 1000" not in status(at)


def epochs_and_goal(at):
    n, m = STATUS.match(status(at)).groups()
    return int(n), None if m is None else int(m)


def test_the_status_after_lowering_the_epochs_of_a_trained_run():
    at = open_page("softmax")
    at.number_input(key="softmax.num_epochs").set_value(5).run()
    at.button(key="softmax.train").click().run()
    at.number_input(key="softmax.num_epochs").set_value(2).run()
    n, m = epochs_and_goal(at)
    assert n == 5 and (m is None or m >= n), status(at)  # was: "**Epoch 5** of 2 · stopped"


def test_the_status_after_training_a_done_run_again():
    at = open_page("logistic")
    at.number_input(key="logistic.num_epochs").set_value(2).run()
    at.button(key="logistic.train").click().run()
    at.button(key="logistic.train").click().run()  # done: Train adds that many more
    n, m = epochs_and_goal(at)
    assert n == 4 and (m is None or m >= n), status(at)  # was: "**Epoch 4** of 2 · stopped"


# -- numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("lr", [1.0, 10.0])
def test_the_linear_page_at_a_learning_rate_of_1_or_more(lr):
    at = open_page("linear")
    at.select_slider(key="linear.lr").set_value(lr).run()
    at.number_input(key="linear.num_epochs").set_value(50).run()
    at.button(key="linear.train").click().run()
    assert_no_exception(at)  # was: OverflowError in mse_surface


def table_problems(at):
    return [bad for frame in at.dataframe for bad in bad_cells(shown(frame))
            if bad[0] != "finite differences"]


@pytest.mark.parametrize("page", ["linear", "logistic"])  # no accuracy; no test split
def test_the_runs_table_shows_no_none(page):
    at = open_page(page)
    at.number_input(key=f"{page}.num_epochs").set_value(1).run()
    at.button(key=f"{page}.train").click().run()
    assert not table_problems(at)  # was: None in train acc / test loss / test acc


def test_the_parameters_table_of_both_twins_shows_no_empty_cells():
    at = open_page("logistic")
    set_widget(at, "logistic.impl", "both")
    at.run()
    at.button(key="logistic.step").click().run()
    assert not table_problems(at)  # was: NaN weights in the row "largest gap so far"


# -- links -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [LINK, LATEX, "**zzbold**"])
def test_a_link_parameter_is_not_rendered_as_markdown(value):
    at = open_link(session(), "logistic", {"lr": value})
    assert at.warning and "lr" in at.warning[0].value
    assert_no_markup(at)  # was: lr='[zzlink](https://evil.example)' as a live link


def test_a_train_link_with_a_dataset_not_valid_here_trains_nothing():
    at = open_link(session(), "logistic", {"dataset": "nope", "train": "1", "num_epochs": "3"})
    assert_no_exception(at)
    assert "dataset" in " ".join(w.value for w in at.warning)
    assert panel(at, "logistic").run.updates == 0  # was: trained "hours" for 3 epochs


# -- CSV files ------------------------------------------------------------------------

def test_labels_0_and_0_0_are_one_class():
    at = upload(open_page("logistic"), "logistic", "zero-and-0.0.csv")
    assert not at.error, [e.value for e in at.error]  # was: "has 3 classes" (0, 0.0, 1)
    assert len(uploaded_dataset(at, "logistic", "zero-and-0.0.csv").class_names) == 2


def test_1e308_in_a_csv_is_refused_or_kept_finite():
    at = upload(open_page("logistic"), "logistic", "huge.csv")
    assert_no_exception(at)
    if not at.error:
        data = uploaded_dataset(at, "logistic", "huge.csv")
        assert torch.isfinite(data.X_train).all() and torch.isfinite(data.X_test).all()


@pytest.mark.parametrize("page, name", [("logistic", "markup-classes.csv"),
                                        ("softmax", "markup-classes4.csv"),
                                        ("logistic", "markup-cell.csv"),
                                        ("logistic", f"{LATEX} **zzbold**.csv")])
def test_names_and_cells_of_a_csv_are_not_rendered_as_markdown(page, name):
    at = upload(open_page(page), page, name)
    assert_no_exception(at)
    assert_no_markup(at)  # was: the class names as a link and a formula in the caption
    if not at.error:
        at.number_input(key=f"{page}.num_epochs").set_value(1).run()
        at.button(key=f"{page}.step").click().run()
        assert_no_exception(at)
        assert_no_markup(at)


# -- typed values -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["[x](https://evil.example)", r"$\Huge X$"])
def test_a_typed_tensor_is_not_echoed_as_markdown(text):
    at = open_page("tensors")
    at.text_input(key="N").set_value(text).run()
    assert at.error
    assert_no_markup(at)  # was: '[x](https://evil.example)' is not a list … as a live link
