"""The Logistic regression page, driven through Streamlit's AppTest (no browser)."""

import pytest
import torch
from streamlit.testing.v1 import AppTest

from lab.numbers import human
from tests.pages import APP, chart_data, set_widget
from tests.pages import open_page as _open
from ui.figures import MAX_DRAWN

BUNDLED = ["hours", "iris", "synthetic", "breast-cancer"]


def open_page():
    return _open("logistic")


def panel(at):
    return at.session_state["logistic.panel"]


@pytest.mark.parametrize("impl", ["manual", "nn", "both"])
@pytest.mark.parametrize("dataset", BUNDLED)
def test_trains_every_dataset_with_every_implementation(dataset, impl):
    at = open_page()
    at.selectbox(key="logistic.dataset").set_value(dataset)
    set_widget(at, "logistic.impl", impl)
    at.number_input(key="logistic.num_epochs").set_value(3)
    at.select_slider(key="logistic.batch_size").set_value(64)
    at.select_slider(key="logistic.lr").set_value(0.1)
    # The mean, and breast cancer standardized: otherwise the sigmoid saturates at once and
    # the run stops, explained (see test_a_saturated_sigmoid_stops_with_its_reason).
    at.radio(key="logistic.reduction").set_value("mean")
    at.toggle(key="logistic.standardize").set_value(dataset == "breast-cancer")
    at.run()
    at.button(key="logistic.train").click().run()
    assert not at.exception and not at.error
    run = panel(at).run
    assert run.config.dataset == dataset and run.epoch == 3
    assert set(run.models) == ({"manual", "nn"} if impl == "both" else {impl})
    assert len(run.history) == 3
    assert any("Epoch 3" in m.value for m in at.markdown)
    assert len(chart_data(at, "Accuracy (threshold 0.5)")["curves"]) >= 3
    assert len(at.dataframe) >= 2  # the BCE table and the parameters


def test_c1_defaults_train_to_a_crossing_between_2_and_3_hours():
    at = open_page()
    at.button(key="logistic.train").click().run()
    run = panel(at).run
    assert run.epoch == 1000
    p = run.params("manual")
    assert 2 < -p["bias"].item() / p["weight"].item() < 3
    fit = chart_data(at, "Fitted sigmoid")
    assert 2 < fit["cross"]["x"][0] < 3 and "−b/w" in fit["cross"]["label"][0]
    loss = chart_data(at, "Loss (mean BCE per example)")["curves"]
    assert len(run.history) == 1000  # every epoch kept; drawn with at most MAX_DRAWN points
    assert len(loss) == MAX_DRAWN and (loss["epoch"].min(), loss["epoch"].max()) == (1, 1000)
    assert loss["value"].iloc[-1] < loss["value"].iloc[0]


def test_step_then_train_continues_the_same_run_and_reset_starts_over():
    at = open_page()
    at.selectbox(key="logistic.dataset").set_value("iris").run()
    at.select_slider(key="logistic.batch_size").set_value(16).run()
    at.button(key="logistic.step").click().run()
    run = panel(at).run
    assert (run.epoch, run.batch) == (0, 1)
    at.button(key="logistic.step").click().run()
    assert panel(at).run is run and run.batch == 2
    at.number_input(key="logistic.num_epochs").set_value(2).run()
    at.button(key="logistic.train").click().run()
    assert panel(at).run is run and run.epoch == 2
    at.button(key="logistic.train").click().run()  # done: Train adds that many more
    assert run.epoch == 4
    at.button(key="logistic.reset").click().run()
    assert panel(at).run is not run and panel(at).run.epoch == 0


def test_changing_the_learning_rate_keeps_the_run():
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(5).run()
    at.button(key="logistic.train").click().run()
    run = panel(at).run
    at.select_slider(key="logistic.lr").set_value(0.5).run()
    at.button(key="logistic.train").click().run()  # continues, with the new rate
    assert panel(at).run is run and run.config.lr == 0.5 and run.lrs == [0.01, 0.5]
    at.selectbox(key="logistic.dataset").set_value("iris").run()
    assert panel(at).run is run  # kept on screen until Train starts a new one
    assert any("Settings changed" in i.value for i in at.info)
    at.button(key="logistic.train").click().run()
    assert panel(at).run is not run and panel(at).run.config.dataset == "iris"


def test_divergence_is_explained_and_the_history_kept(monkeypatch):
    # No slider setting overflows a logistic model, so make the 11th update blow up,
    # as a learning rate far too large does: the loss and the weights become inf.
    from lab.models.logistic import LogisticManual

    original, calls = LogisticManual.train_step, []

    def overflowing(self, X, y):
        calls.append(1)
        if len(calls) > 10:
            with torch.no_grad():
                self.w.fill_(float("inf"))
            return torch.tensor(float("nan"))
        return original(self, X, y)

    monkeypatch.setattr(LogisticManual, "train_step", overflowing)
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(50).run()
    at.button(key="logistic.train").click().run()
    assert not at.exception
    assert any("learning rate" in e.value and "too large" in e.value for e in at.error)
    run = panel(at).run
    assert run.epoch == 10 and len(run.history) == 10
    assert torch.isfinite(run.params("manual")["weight"]).all()  # the last good parameters


def open_link(params):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page("views/logistic.py").run()
    if params.get("train") == "1":
        at.run()  # the browser's timed rerun that starts training (see ui/live.py)
    return at


def test_a_shared_link_restores_the_settings_and_the_url_follows_changes():
    at = open_link({"dataset": "synthetic", "impl": "both", "lr": "0.1", "batch_size": "64",
                    "num_epochs": "7", "seed": "3", "init": "zeros", "reduction": "mean",
                    "standardize": "true"})
    assert not at.exception and not at.warning
    config = panel(at).run.config
    assert (config.dataset, config.impl, config.lr, config.batch_size, config.num_epochs,
            config.seed, config.init, config.reduction, config.standardize) == \
        ("synthetic", "both", 0.1, 64, 7, 3, "zeros", "mean", True)
    at.select_slider(key="logistic.lr").set_value(0.5).run()
    assert at.query_params["lr"] == "0.5" and at.query_params["dataset"] == "synthetic"


def test_a_tampered_link_falls_back_with_a_notice():
    at = open_link({"dataset": "../../etc/passwd", "lr": "nan", "batch_size": "0",
                    "seed": "-4", "num_epochs": "1e99", "impl": "both", "standardize": "maybe"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    for bad in ("dataset", "lr", "batch_size", "seed", "num_epochs", "standardize"):
        assert bad in notice
    config = panel(at).run.config
    assert config.dataset == "hours" and config.lr == 0.01 and config.impl == "both"


def test_a_preset_link_with_train_starts_training():
    at = open_link({"dataset": "iris", "num_epochs": "4", "batch_size": "16", "train": "1"})
    assert panel(at).run.epoch == 4 and "train" not in at.query_params


def test_runs_are_kept_overlaid_and_deleted():
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(5).run()
    at.button(key="logistic.train").click().run()
    at.select_slider(key="logistic.lr").set_value(0.1).run()
    at.button(key="logistic.reset").click().run()
    at.button(key="logistic.train").click().run()
    records = at.session_state["lab.runs"]
    assert [r.run.config.lr for r in records] == [0.01, 0.1]
    overlay = chart_data(at, "Loss of the chosen runs")["runs"]
    assert overlay["run"].nunique() == 2 and len(overlay) == 10
    first = records[0].label
    at.multiselect(key="logistic.delete_runs").set_value([first]).run()
    at.button(key="logistic.delete").click().run()
    assert [r.run.config.lr for r in at.session_state["lab.runs"]] == [0.1]
    assert not at.exception


def test_step_shows_the_four_stages_with_this_batchs_numbers():
    at = open_link({"dataset": "iris", "batch_size": "16", "lr": "0.1"})
    before = panel(at).run.params("manual")["weight"].clone()
    at.button(key="logistic.step").click().run()
    e = panel(at).explained
    assert e["backward"]["max_gap"] < 1e-3
    after = panel(at).run.params("manual")["weight"]
    expected = [b - 0.1 * g for b, g in zip(before.reshape(-1).tolist(),
                                            e["backward"]["autograd"]["weight"][0])]
    assert after.reshape(-1).tolist() == pytest.approx(expected, abs=1e-6)
    assert e["update"]["weight"]["after"][0] == pytest.approx(after.reshape(-1).tolist(), abs=1e-6)
    tabs = [t.label for t in at.tabs]
    assert tabs == ["1 · forward", "2 · loss", "3 · backward", "4 · update"]
    assert any("weight[0] =" in c.value for c in at.code)
    at.button(key="logistic.step").click().run()  # Step again continues the same run
    assert panel(at).run.batch == 2


@pytest.mark.parametrize("backlog, full_redraws_while_training", [(0, True), (1000, False)])
def test_a_browser_far_behind_gets_only_the_status_line(monkeypatch, backlog,
                                                       full_redraws_while_training):
    """Streamlit drops a browser 500 messages behind; the panel sends it less meanwhile."""
    import ui.live

    calls = {"full": 0, "status": 0}
    full, status = ui.live.Panel._draw, ui.live.Panel._draw_status

    def count_full(self, live=False):
        calls["full"] += 1
        return full(self, live)

    def count_status(self):
        calls["status"] += 1
        return status(self)

    monkeypatch.setattr(ui.live, "client_backlog", lambda: backlog)
    monkeypatch.setattr(ui.live.Panel, "_draw", count_full)
    monkeypatch.setattr(ui.live.Panel, "_draw_status", count_status)
    monkeypatch.setattr(ui.live, "REDRAW_SECONDS", 0.0)  # a redraw after every event
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(20).run()
    before = dict(calls)
    at.button(key="logistic.train").click().run()
    assert panel(at).run.epoch == 20 and not at.exception
    full_draws = calls["full"] - before["full"]
    statuses = calls["status"] - before["status"]
    if full_redraws_while_training:
        assert full_draws >= 20
    else:
        assert full_draws == 2 and statuses >= 20  # before and after; the status each event
    assert len(chart_data(at, "Loss (mean BCE per example)")["curves"]) == 20  # drawn at the end


@pytest.mark.parametrize("detail_seconds, details_while_training", [(0.0, True), (1e9, False)])
def test_the_details_are_redrawn_less_often_while_training(monkeypatch, detail_seconds,
                                                            details_while_training):
    """The curves at every redraw; the tables and the landscape every DETAIL_SECONDS, and
    always once training ends, so the page at rest shows the final state everywhere."""
    import ui.live

    calls = {"draw": 0, "details": 0}
    show = ui.live.Panel.show

    def counting_show(self, draw, details=None):
        def count(name, drawer):
            def counted(run, step):
                calls[name] += 1
                return drawer(run, step)
            return counted
        return show(self, count("draw", draw), count("details", details))

    monkeypatch.setattr(ui.live.Panel, "show", counting_show)
    monkeypatch.setattr(ui.live, "REDRAW_SECONDS", 0.0)
    monkeypatch.setattr(ui.live, "DETAIL_SECONDS", detail_seconds)
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(20).run()
    before = dict(calls)
    at.button(key="logistic.train").click().run()
    assert panel(at).run.epoch == 20 and not at.exception
    draws, details = (calls[k] - before[k] for k in ("draw", "details"))
    assert draws >= 20
    if details_while_training:
        assert details == draws
    else:
        assert details == 2  # before training and after it
    # the parameters table at rest shows the last update, not the one of the last live redraw
    params = next(d.value for d in at.dataframe if "b" in d.value.columns and "" in d.value.columns)
    impl = next(iter(panel(at).run.models))
    final = panel(at).run.params(impl)["bias"].item()
    assert params.set_index("").loc[impl, "b"] == human(final)  # shown as lab.numbers does
