"""The Linear regression page (C6), driven through Streamlit's AppTest (no browser)."""

import pytest
import torch

from lab.config import RunConfig
from lab.datasets import load
from lab.linear import LinearManual, set_params
from lab.linear_trace import LinearTrace, road, sample_grads
from lab.train import Run, train
from tests.pages import chart_data, set_widget
from tests.pages import open_page as _open
from ui.figures import MAX_DRAWN

FIT = "The fitted line and the prediction"
LANDSCAPE_W = "Loss against w (b held at its current value)"
LANDSCAPE_WB = "Loss over (w, b) and the road of gradient descent"


def open_page():
    return _open("linear")


def panel(at):
    return at.session_state["linear.panel"]


def trace(at):
    return at.session_state["linear.trace"][1]


def grad_rows(at):
    return at.dataframe[0].value


def test_the_defaults_are_the_notes_nn_run_and_predict_8_at_4_hours():
    at = open_page()
    assert not any(getattr(w, "key", None) == "linear.standardize" for w in at.main)
    at.button(key="linear.train").click().run()
    assert not at.exception and not at.error
    run = panel(at).run
    config = run.config
    assert (config.impl, config.lr, config.reduction, config.num_epochs) == \
        ("nn", 0.01, "sum", 1000)
    assert run.epoch == 1000
    prediction = chart_data(at, FIT)["prediction"]
    assert prediction["y"][0] == pytest.approx(8, abs=0.05)
    assert prediction["label"][0].startswith("ŷ(4) = 7.99")
    metric = next(m for m in at.metric if m.label.startswith("ŷ(4)"))
    assert float(metric.value) == pytest.approx(8, abs=0.05)
    loss = chart_data(at, "Loss per epoch (mean over the examples)")["curves"]
    assert len(run.history) == 1000  # every epoch kept; drawn with at most MAX_DRAWN points
    assert len(loss) == MAX_DRAWN and (loss["epoch"].min(), loss["epoch"].max()) == (1, 1000)
    assert loss["value"].iloc[-1] < 1e-5 < loss["value"].iloc[0]


def test_the_landscape_shows_the_whole_road_to_the_best_fit():
    at = open_page()
    at.button(key="linear.train").click().run()
    road = chart_data(at, LANDSCAPE_WB)
    assert len(panel(at).run.path.points) == 1001  # the start and every update, kept
    drawn = road["road"]["update"]  # and drawn with at most MAX_DRAWN of them, both ends
    assert len(drawn) == MAX_DRAWN and (drawn.iloc[0], drawn.iloc[-1]) == (0, 1000)
    assert drawn.is_monotonic_increasing
    ends = road["ends"].set_index("point")
    assert ends.loc["best fit", "w"] == pytest.approx(2, abs=1e-4)
    assert ends.loc["now", "w"] == pytest.approx(2, abs=0.01)
    assert len(road["cells"]) == 31 * 31
    over_w = chart_data(at, LANDSCAPE_W)
    assert over_w["path"]["loss"].iloc[0] > 40  # Σ(ŷ − y)² at the start
    assert over_w["now"]["loss"][0] == pytest.approx(0, abs=1e-4)


@pytest.mark.parametrize("impl", ["manual", "nn", "both"])
def test_trains_with_every_implementation_and_the_grad_table_grows(impl):
    at = open_page()
    set_widget(at, "linear.impl", impl)
    at.select_slider(key="linear.batch_size").set_value(1)
    at.number_input(key="linear.num_epochs").set_value(2)
    at.run()
    assert at.info  # no update yet: the table says how to start
    at.button(key="linear.step").click().run()
    assert len(grad_rows(at)) == 1
    at.button(key="linear.step").click().run()
    assert len(grad_rows(at)) == 2
    at.button(key="linear.train").click().run()
    assert not at.exception and not at.error
    run = panel(at).run
    assert run.epoch == 2 and set(run.models) == ({"manual", "nn"} if impl == "both" else {impl})
    rows = grad_rows(at)
    assert len(rows) == 6 and list(rows["update"]) == [6, 5, 4, 3, 2, 1]  # newest first
    assert sorted(rows["x"][:3]) == [1.0, 2.0, 3.0]
    if impl == "both":
        assert run.max_param_gap < 1e-5
        assert any("largest parameter gap" in c.value for c in at.caption)


def test_the_grad_table_is_what_the_notes_loop_prints():
    """Per-sample rows at the (w, b) each sample saw agree with the manual twin's own grads."""
    at = open_page()
    set_widget(at, "linear.impl", "manual")
    at.select_slider(key="linear.batch_size").set_value(1)
    at.number_input(key="linear.num_epochs").set_value(3)
    at.run()
    at.button(key="linear.train").click().run()
    data = load("hours-points")
    rows = grad_rows(at).iloc[::-1]  # oldest first
    for _, row in rows.iterrows():
        model = set_params(LinearManual(1, 0.01, "sum"), row["w before"], row["b before"])
        model.loss(data.X_train.new_tensor([[row["x"]]]),
                   data.y_train.new_tensor([row["y"]])).backward()
        assert row["∂ℓ/∂w = 2x(ŷ − y)"] == pytest.approx(model.w.grad.item(), rel=1e-5)
        assert row["∂ℓ/∂b = 2(ŷ − y)"] == pytest.approx(model.b.grad.item(), rel=1e-5)
    # each row's update, w − lr·∂ℓ/∂w, is the next row's "w before": no update is missed
    w, grad = list(rows["w before"]), list(rows["∂ℓ/∂w = 2x(ŷ − y)"])
    assert len(w) == 9 == trace(at).updates
    for k in range(8):
        assert w[k + 1] == pytest.approx(w[k] - 0.01 * grad[k], rel=1e-5)


def test_reset_starts_a_new_road():
    at = open_page()
    at.button(key="linear.step").click().run()
    assert trace(at).updates == 1 and len(chart_data(at, LANDSCAPE_WB)["road"]) == 2
    at.button(key="linear.reset").click().run()
    assert trace(at).updates == 0
    assert any(i.value.startswith("Press **Step** or **Train**") for i in at.info)  # no grads
    assert len(chart_data(at, LANDSCAPE_WB)["road"]) == 1


def test_trace_keeps_only_the_newest_samples():
    t = LinearTrace(0.0, 0.0)
    for k in range(1, 5001):
        t.record(1, torch.tensor([[1.0]]), torch.tensor([2.0]), float(k), 0.0)
    assert len(t.samples) == 200 and t.samples[-1][1] == 5000
    assert t.samples[-1][4] == 4999.0 and t.w == 5000.0  # the w before, and after
    assert sample_grads([]) == []


def test_the_road_survives_thinning_and_ends_at_the_current_parameters():
    config = RunConfig(model="linear", dataset="hours-points", impl="manual", lr=0.01,
                       batch_size=1, num_epochs=1000, reduction="sum")
    run = Run(config, load("hours-points"))
    for _ in train(run, 1000):
        pass
    updates, ws, bs = road(run)
    assert updates[0] == 0 and updates[-1] == 3000 and len(updates) <= 2001
    assert ws[0].item() == run.initial["weight"].item()
    assert ws[-1].item() == run.params("manual")["weight"].item()


def test_step_shows_the_four_stages_and_the_runs_are_kept():
    at = open_page()
    set_widget(at, "linear.impl", "manual")
    at.run()
    at.button(key="linear.step").click().run()
    assert not at.exception
    e = panel(at).explained
    assert e["backward"]["max_gap"] < 1e-3
    # the first full batch at w = b = initial: ∂L/∂w = Σ 2x(ŷ − y) with the sum reduction
    w0, b0 = panel(at).run.initial["weight"].item(), panel(at).run.initial["bias"].item()
    grad_w = sum(2 * x * (w0 * x + b0 - y) for x, y in [(1, 2), (2, 4), (3, 6)])
    assert e["backward"]["formula"]["weight"][0][0] == pytest.approx(grad_w, rel=1e-5)
    assert e["update"]["weight"]["after"][0][0] == pytest.approx(panel(at).run.params(
        "manual")["weight"].item(), abs=1e-6)
    assert [t.label for t in at.tabs] == ["1 · forward", "2 · loss", "3 · backward", "4 · update"]
    assert at.session_state["lab.runs"][-1].run is panel(at).run  # a stepped run is a run
    at.number_input(key="linear.num_epochs").set_value(20).run()
    at.button(key="linear.train").click().run()
    at.button(key="linear.reset").click().run()
    at.select_slider(key="linear.lr").set_value(0.02).run()
    at.button(key="linear.train").click().run()
    assert [r.run.config.lr for r in at.session_state["lab.runs"]] == [0.01, 0.02]
    overlay = chart_data(at, "Loss of the chosen runs")["runs"]
    assert overlay["run"].nunique() == 2 and len(overlay) == 40
