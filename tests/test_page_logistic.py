"""The Logistic regression page, driven through Streamlit's AppTest (no browser)."""

import pytest
import torch
from streamlit.testing.v1 import AppTest

from lab.numbers import human
from tests.pages import APP, chart_data, set_widget
from ui.lecture import KEYS
from tests.pages import open_page as _open
from ui.charts import MAX_DRAWN

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
    assert_curves_are_the_runs(at, run, "Accuracy (threshold 0.5)", "acc")
    assert_bce_table_is_torchs(at, run, panel(at).last_step)
    assert_parameters_table_is_the_runs(at, run)


def assert_curves_are_the_runs(at, run, title, column):
    """A point per epoch, split (test only when there is one) and twin; the last ones are
    the run's latest metrics."""
    curves = chart_data(at, title)["curves"]
    latest = run.history.latest.metrics
    splits = {impl: [s for s in ("train", "test")
                     if getattr(latest[impl], f"{s}_{column}") is not None] for impl in run.models}
    assert sorted(zip(curves["epoch"], curves["split"], curves["implementation"])) == sorted(
        (e, split, impl) for e in range(1, run.epoch + 1)
        for impl in run.models for split in splits[impl])
    last = curves[curves["epoch"] == run.epoch].set_index(["split", "implementation"])["value"]
    for impl in run.models:
        for split in splits[impl]:
            assert last[split, impl] == getattr(latest[impl], f"{split}_{column}")


def shown_numbers(column):
    """A table column of numbers that the page wrote as text (lab.numbers.human)."""
    return [float(v) for v in column]


def assert_bce_table_is_torchs(at, run, step):
    """The worked BCE table: the first 8 rows of the last batch, every column as PyTorch
    computes it from those rows and the first twin's parameters, to the digits shown."""
    F = torch.nn.functional
    data, impl = run.data, next(iter(run.models))
    names = list(data.feature_names) if data.num_features <= 4 else []
    columns = (*names, "y", "z = w·x + b", "ŷ", "y·log ŷ", "(1−y)·log(1−ŷ)", "loss")
    (table,) = [d.value for d in at.dataframe if tuple(d.value.columns) == columns]
    n = min(8, len(step.y))
    X, y, p = step.X[:n], step.y[:n].float(), run.params(impl)
    z = F.linear(X, p["weight"], p["bias"]).reshape(-1)  # (n,)
    y_hat = torch.sigmoid(z)
    expected = {**{name: X[:, j] for j, name in enumerate(names)}, "y": y, "z = w·x + b": z,
                "ŷ": y_hat, "y·log ŷ": y * torch.log(y_hat).clamp(min=-100),
                "(1−y)·log(1−ŷ)": (1 - y) * torch.log(1 - y_hat).clamp(min=-100),
                "loss": F.binary_cross_entropy(y_hat, y, reduction="none")}
    assert len(table) == n
    for name, values in expected.items():  # 4 decimals, or 3 significant digits (1.67e-06)
        expected_values = pytest.approx(values.tolist(), rel=5e-3, abs=1e-4)
        assert shown_numbers(table[name]) == expected_values, name


def assert_parameters_table_is_the_runs(at, run):
    """A row per twin (and the true parameters when known): w (the first 8) and b."""
    data, d = run.data, run.data.num_features
    names = data.feature_names if d <= 8 else [f"w{i}" for i in range(8)]
    columns = ["", *(f"w[{n}]" for n in names), *(["…"] if d > 8 else []), "b"]
    (table,) = [t.value for t in at.dataframe if list(t.value.columns) == columns]
    rows = table.set_index("")
    params = {}
    for impl in run.models:
        p = run.params(impl)
        params[impl] = (p["weight"].reshape(-1).tolist(), p["bias"].item())
    if data.true_params:  # synthetic: the parameters the data was drawn with
        params["true"] = (data.true_params["weight"][0], data.true_params["bias"][0])
    assert rows.index.tolist() == list(params)
    for row, (w, b) in params.items():
        assert rows.loc[row, columns[1:1 + min(d, 8)]].tolist() == [human(v) for v in w[:8]]
        assert rows.loc[row, "b"] == human(b)
        if d > 8:
            assert rows.loc[row, "…"] == f"{d - 8} more"


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
    assert run.lrs == [0.01]  # a stopped run takes the page's rate when it trains again
    at.button(key="logistic.train").click().run()  # continues, with the new rate
    assert panel(at).run is run and run.config.lr == 0.5 and run.lrs == [0.01, 0.5]
    at.select_slider(key="logistic.lr").set_value(0.1).run()
    at.button(key="logistic.step").click().run()  # and a Step too
    assert panel(at).run is run and run.lrs == [0.01, 0.5, 0.1]
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
        at.run()  # the browser's timed rerun that starts training (see ui/panel.py)
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
    at.multiselect(key="logistic.delete_runs").set_value([records[0].id]).run()
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


def count_calls(monkeypatch, module, name, calls):
    """Count in calls[name] the calls of module.name, a public function the page uses."""
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls[name] += 1
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, counted)


@pytest.mark.parametrize("backlog, full_redraws_while_training", [(0, True), (1000, False)])
def test_a_browser_far_behind_gets_only_the_status_line(monkeypatch, backlog,
                                                       full_redraws_while_training):
    """Streamlit drops a browser 500 messages behind; the panel sends it less meanwhile.
    Counted on the page: every redraw writes the status line, a full one the sigmoid too."""
    import ui.logistic_figures
    import ui.panel
    import ui.server
    import ui.throttle

    calls = {"sigmoid_1d": 0, "status_line": 0}
    count_calls(monkeypatch, ui.logistic_figures, "sigmoid_1d", calls)  # hours: one feature
    count_calls(monkeypatch, ui.panel, "status_line", calls)
    monkeypatch.setattr(ui.server, "client_backlog", lambda: backlog)
    monkeypatch.setattr(ui.throttle, "REDRAW_SECONDS", 0.0)  # a redraw after every event
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(20).run()
    before = dict(calls)
    at.button(key="logistic.train").click().run()
    assert panel(at).run.epoch == 20 and not at.exception
    full_draws = calls["sigmoid_1d"] - before["sigmoid_1d"]
    statuses = calls["status_line"] - before["status_line"]
    if full_redraws_while_training:
        assert full_draws >= 20
    else:
        assert full_draws == 1 and statuses >= 20  # after it; the status each event
    assert len(chart_data(at, "Loss (mean BCE per example)")["curves"]) == 20  # drawn at the end


@pytest.mark.parametrize("detail_seconds, details_while_training", [(0.0, True), (1e9, False)])
def test_the_details_are_redrawn_less_often_while_training(monkeypatch, detail_seconds,
                                                            details_while_training):
    """The curves at every redraw; the tables and the landscape every DETAIL_SECONDS, and
    always once training ends, so the page at rest shows the final state everywhere.
    Counted on the page: the sigmoid is in its live view, the landscape in its details."""
    import ui.charts
    import ui.logistic_figures
    import ui.throttle

    calls = {"sigmoid_1d": 0, "loss_surface": 0}
    count_calls(monkeypatch, ui.logistic_figures, "sigmoid_1d", calls)  # hours: one feature,
    count_calls(monkeypatch, ui.charts, "loss_surface", calls)          # so (w, b): a surface
    monkeypatch.setattr(ui.throttle, "REDRAW_SECONDS", 0.0)
    monkeypatch.setattr(ui.throttle, "DETAIL_SECONDS", detail_seconds)
    at = open_page()
    at.number_input(key="logistic.num_epochs").set_value(20).run()
    before = dict(calls)
    at.button(key="logistic.train").click().run()
    assert panel(at).run.epoch == 20 and not at.exception
    draws, details = (calls[k] - before[k] for k in ("sigmoid_1d", "loss_surface"))
    assert draws >= 20
    if details_while_training:  # but the first epoch's end, drawn at once, live view only
        assert details == draws - 1
    else:
        assert details == 2  # at the first redraw by the clock, and after training
    # the parameters table at rest shows the last update, not the one of the last live redraw
    params = next(d.value for d in at.dataframe if "b" in d.value.columns and "" in d.value.columns)
    impl = next(iter(panel(at).run.models))
    final = panel(at).run.params(impl)["bias"].item()
    assert params.set_index("").loc[impl, "b"] == human(final)  # shown as lab.numbers does


def test_a_lecture_link_opens_in_lecture_mode_and_the_url_keeps_it():
    at = open_link({"lecture": "1", "dataset": "iris", "num_epochs": "3", "batch_size": "16",
                    "reduction": "mean", "standardize": "true"})
    assert not at.exception and not at.warning  # lecture=1 is no invalid setting
    assert at.session_state["lab.lecture"] and at.toggle(key="logistic.lecture").value
    keys = {b: at.button(key=f"logistic.{b}").proto.shortcut for b in KEYS}
    assert keys == {b: k.lower() for b, k in KEYS.items()}
    at.select_slider(key="logistic.lr").set_value(0.1).run()
    assert at.query_params["lecture"] == "1" and at.query_params["lr"] == "0.1"
    at.button(key="logistic.step").click().run()
    told = " ".join(m.value for m in at.markdown)
    assert "**1 · forward**" in told and "**4 · update**" in told
    assert "ŷ = σ(z)" in told  # the first example's numbers, as in the worked table
    assert at.table  # the batch's BCE, in the first screen
    at.button(key="logistic.train").click().run()
    assert panel(at).run.epoch == 3 and "**4 · update**" not in " ".join(m.value for m in at.markdown)
    at.toggle(key="logistic.lecture").set_value(False).run()
    assert not at.session_state["lab.lecture"] and "lecture" not in at.query_params
    assert at.button(key="logistic.train").proto.shortcut == ""
    assert panel(at).run.epoch == 3  # the run stays: only the layout changed


def test_a_bad_lecture_value_is_reported_and_changes_nothing():
    at = open_link({"lecture": "[yes](https://example.com)"})
    notice = " ".join(w.value for w in at.warning)
    assert "`lecture`" in notice and "](https" not in notice
    assert not at.toggle(key="logistic.lecture").value and not at.get("popover")
