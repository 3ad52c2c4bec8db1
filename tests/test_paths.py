"""The paths between states: what a student or lecturer does after a fresh page.

Each test here walked a path that broke (issue: "every path holds"); the stateful test
(test_stateful.py) walks many more at random.
"""
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import APP, chart_data, open_page, set_widget, shown
from ui.presets import PRESETS

PRESET = {p.key: p for p in PRESETS}


def panel(at, page):
    return at.session_state[f"{page}.panel"]


def status(at):
    return next(m.value for m in at.markdown if m.value.startswith("**Epoch"))


def train(at, page, epochs=2):
    at.number_input(key=f"{page}.num_epochs").set_value(epochs).run()
    at.button(key=f"{page}.train").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return panel(at, page).run


@pytest.mark.parametrize("page, first, then", [
    ("logistic", "hours", "iris"),          # 1 feature → 4: "mat1 and mat2 shapes (80x4 and 1x1)"
    ("logistic", "synthetic", "hours"),
    ("softmax", "digits", "iris3"),
    ("softmax", "iris3", "digits"),
])
@pytest.mark.parametrize("how", ["train", "step"])
def test_switching_dataset_after_training_keeps_the_run_on_screen(page, first, then, how):
    at = open_page(page)
    at.selectbox(key=f"{page}.dataset").set_value(first).run()
    at.number_input(key=f"{page}.num_epochs").set_value(2).run()
    if how == "train":
        run = train(at, page)
    else:
        at.button(key=f"{page}.step").click().run()
        run = panel(at, page).run
    at.selectbox(key=f"{page}.dataset").set_value(then).run()
    assert not at.exception, [e.message for e in at.exception]
    state = panel(at, page)
    assert state.run is run and run.data.name == first  # drawn from its own data
    assert any("Settings changed" in i.value for i in at.info)
    assert "Train starts a new run" in status(at)
    at.button(key=f"{page}.train").click().run()  # Train: a new run on the new data
    assert not at.exception
    assert state.run is not run and state.run.data.name == then and state.run.epoch == 2


def test_changing_the_dataset_then_step_starts_a_new_run_there():
    at = open_page("logistic")
    run = train(at, "logistic")
    at.selectbox(key="logistic.dataset").set_value("synthetic").run()
    at.button(key="logistic.step").click().run()
    assert not at.exception
    new = panel(at, "logistic").run
    assert new is not run and new.data.name == "synthetic" and new.updates == 1
    assert "Decision boundary" in {c for c in _titles(at)}


def _titles(at):
    import json
    return [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]


def open_preset(at, key, epochs=None):
    preset = PRESET[key]
    params = preset.query_params()
    if epochs:  # fewer epochs than the course's: the path is what is tested here
        params["num_epochs"] = str(epochs)
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page(preset.page).run()
    assert not at.exception, [e.message for e in at.exception]
    return panel(at, "logistic")


def test_a_chain_of_presets_in_one_tab_trains_each_on_its_own_data():
    """C1 → Home → C2 → Home → C3: C2 used to crash and read 'Epoch 1000 of 500'."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    for key, epochs, dataset in [("C1-slides", 300, "hours"), ("C2", 200, "iris"),
                                 ("C3-nn", 3, "synthetic")]:
        state = open_preset(at, key, epochs)
        run = state.run
        assert run.data.name == dataset and run.config.dataset == dataset
        assert run.epoch == epochs and not state.running
        assert status(at) == f"**Epoch {epochs}** · stopped (Train: {epochs} more epochs)"
        at.switch_page("views/home.py").run()
        assert not at.exception


def test_the_status_line_never_counts_past_its_goal():
    at = open_page("logistic")
    train(at, "logistic", epochs=5)
    at.number_input(key="logistic.num_epochs").set_value(3).run()
    assert status(at) == "**Epoch 5** · stopped (Train: 3 more epochs)"
    at.button(key="logistic.train").click().run()  # that many more
    assert panel(at, "logistic").run.epoch == 8


@pytest.mark.parametrize("page", ["logistic", "softmax", "linear"])
def test_a_link_with_markup_is_shown_as_text(page):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.update({"lr": "[Click to log in](https://evil.example/)",
                            "dataset": "![x](https://evil.example/t.png)",
                            "seed": r"$\Huge\text{HACKED}$"})
    at.switch_page(f"views/{page}.py").run()
    notice = " ".join(w.value for w in at.warning)
    assert "](https" not in notice and "![" not in notice and "$\\Huge" not in notice
    assert "[Click to log in](https://evil.example/)" in shown(notice)


def test_run_numbers_count_from_one_in_each_session():
    for _ in range(2):  # a second student's first run is #1 too
        at = open_page("logistic")
        train(at, "logistic", epochs=1)
        records = at.session_state["lab.runs"]
        assert [r.id for r in records] == [1]


def test_a_csv_uploaded_again_with_other_columns_starts_a_new_run():
    at = open_page("logistic")
    at.selectbox(key="logistic.dataset").set_value("csv").run()
    rows = lambda names: "\n".join([",".join(names)] + [  # noqa: E731
        ",".join([str(i % 7), str(i % 5)][:len(names) - 1] + [str(i % 2)]) for i in range(40)])
    uploader = at.file_uploader(key="logistic.upload")
    uploader.upload("mine.csv", rows(["a", "b", "label"]).encode(), "text/csv").run()
    at.toggle(key="logistic.standardize").set_value(True).run()
    run = train(at, "logistic", epochs=2)
    uploader = at.file_uploader(key="logistic.upload")
    uploader.upload("mine.csv", rows(["c", "label"]).encode(), "text/csv").run()
    assert not at.exception
    at.button(key="logistic.train").click().run()
    new = panel(at, "logistic").run
    assert not at.exception and new is not run
    assert new.data.feature_names == ["c"] and new.epoch == 2


def test_a_dataset_loaded_again_after_eviction_keeps_the_run():
    """The shared cache may evict a set and load it again as a new object: the student's
    run is not 'changed' by that, and Step goes on with it."""
    from ui.datasets import cached_dataset

    at = open_page("logistic")
    at.button(key="logistic.step").click().run()
    run = panel(at, "logistic").run
    cached_dataset.clear()
    at.run()
    assert not any("Settings changed" in i.value for i in at.info)
    at.button(key="logistic.step").click().run()
    assert panel(at, "logistic").run is run and run.updates == 2


def test_a_feature_named_y_keeps_its_column_in_the_step_through():
    at = open_page("logistic")
    at.selectbox(key="logistic.dataset").set_value("csv").run()
    rows = ["x,y,label"] + [f"{i % 7},{i % 5 + 10},{i % 2}" for i in range(40)]
    at.file_uploader(key="logistic.upload").upload("xy.csv", "\n".join(rows).encode(),
                                                   "text/csv").run()
    at.button(key="logistic.step").click().run()
    forward = next(d.value for d in at.dataframe if "x[y]" in d.value.columns)
    assert forward["x[y]"].min() >= 10 and set(forward["y"]) <= {0.0, 1.0}


def test_a_link_left_before_it_started_does_not_train_on_a_later_visit():
    """A train=1 page waits for the browser to draw Stop; a lecturer who goes elsewhere
    before that must not find it training when they come back."""
    at = open_page("logistic")
    panel(at, "logistic").start_pending = True  # as a link's first run leaves it
    at.switch_page("views/home.py").run()
    at.switch_page("views/logistic.py").run()
    state = panel(at, "logistic")
    assert not state.start_pending and not state.running and state.run.epoch == 0
