"""The Linear regression page (C6), driven through Streamlit's AppTest (no browser)."""
import dataclasses
import json
import math

import pyarrow as pa
import pytest
import torch

from lab.config import RunConfig
from lab.data import load
from lab.lessons import LESSONS
from lab.models.linear import LinearManual
from lab.instruments.linear_trace import LinearTrace, road, sample_grads
from lab.numbers import human
from lab.train import EpochEnd, Run, train
from tests.linear_helpers import set_params
from tests.pages import chart_data, errors, set_widget
from tests.pages import open_page as _open
from ui.charts import MAX_DRAWN, SHORT_LABEL

FIT = "The fitted line and the prediction"
LANDSCAPE_W = "Loss against w (b held at its current value)"
LANDSCAPE_WB = "Loss over (w, b) and the road of gradient descent"
LOSS = "Loss per epoch (mean over the examples)"
SECTIONS = ["The gradients, sample by sample", "The last Step, in four stages",
            "Runs in this session"]


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
        assert any(c.value.startswith("manual vs torch.nn, largest gap") for c in at.caption)


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


def check_drawn_whole(at):
    """No error raised, every section below the panel there, and the page's own charts
    send Vega-Lite strict JSON (no Infinity, no NaN), finite data and short tick labels."""
    assert not at.exception, [e.message for e in at.exception]
    assert [h.value for h in at.subheader] == SECTIONS
    assert [e.label for e in at.expander] == [  # the lesson panel (closed), the code
        f"🎯 Predict, then run: lesson 2 · {LESSONS[1].title}", "The code that is running"]
    charts = {}
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec, parse_constant=refuse)
        charts[spec["title"]] = spec
        if spec["title"] in (FIT, LANDSCAPE_W, LANDSCAPE_WB, LOSS):
            assert spec["config"]["axis"]["labelExpr"] == SHORT_LABEL, spec["title"]
            for d in chart.proto.datasets:
                data = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
                numbers = data.select_dtypes("number")
                assert numbers.abs().lt(math.inf).all().all(), (spec["title"], d.name)
    assert {FIT, LANDSCAPE_W, LANDSCAPE_WB, LOSS} <= set(charts)


def refuse(constant):
    raise AssertionError(f"{constant} in a chart's spec: not JSON, the chart breaks")


def check_numbers_short(at):
    for m in at.metric:
        assert len(m.value) <= 12 and "…" not in m.value, (m.label, m.value)
        assert m.value == human(float(m.value)), "one format everywhere: lab.numbers.human"


@pytest.mark.parametrize(("lr", "batch_size"), [(1.0, None), (10.0, None), (0.1, None),
                                                (0.1, 1), (0.2, 1)])
def test_a_learning_rate_too_large_keeps_the_whole_page(lr, batch_size):
    """Issue 9: at lr 1 the page crashed (OverflowError in the landscape) below the
    divergence message: no Step, no runs, no code."""
    at = open_page()
    if batch_size:
        at.select_slider(key="linear.batch_size").set_value(batch_size)
    at.select_slider(key="linear.lr").set_value(lr)
    at.run()
    at.button(key="linear.train").click().run()
    check_drawn_whole(at)
    check_numbers_short(at)
    at.button(key="linear.step").click().run()  # and the buttons still work after it
    check_drawn_whole(at)


def as_if_diverged(run, w, b):
    """Put the run where a diverging one ends, however soon training stops it: (w, b)
    far out on its road, and an epoch scored there (its float32 loss overflows to inf)."""
    for model in run.models.values():
        set_params(model, w, b)
    run.path.points[-1] = (run.updates, w, b)
    run.epoch += 1
    impl = next(iter(run.models))
    run.history.append(EpochEnd(run.epoch, {impl: run.evaluate(impl)}, None, None))


@pytest.mark.parametrize(("w", "b"), [(-2.2e33, -9.7e32), (3.4e38, -3.4e38)])
def test_huge_parameters_are_drawn_and_shown_short(w, b):
    at = open_page()
    at.number_input(key="linear.num_epochs").set_value(5).run()
    at.button(key="linear.train").click().run()
    run = panel(at).run
    as_if_diverged(run, w, b)
    assert run.history.latest.metrics["nn"].train_loss == math.inf
    at.run()
    check_drawn_whole(at)
    check_numbers_short(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["w"], metrics["b"]) == (human(w), human(b))
    assert metrics["w"] in ("-2.2e+33", "3.4e+38")
    fit = chart_data(at, FIT)
    assert fit["line"].empty or fit["line"]["y"].between(-1, 11).all()  # cut to the frame
    label = fit["prediction"]["label"][0]
    assert label.startswith("ŷ(4) = ") and label[-1] in "↑↓"  # off the chart, and says so
    road = chart_data(at, LANDSCAPE_WB)["road"]
    assert road["w"].iloc[-1] == pytest.approx(w, rel=1e-6)  # the road drawn to its end
    assert len(chart_data(at, LOSS)["curves"]) == run.epoch - 1  # the inf epoch left out


def test_a_diverged_run_is_explained_with_this_pages_settings():
    at = open_page()
    at.select_slider(key="linear.lr").set_value(0.1)
    at.run()
    at.button(key="linear.train").click().run()
    assert panel(at).run.diverged
    (why,) = [i.value for i in at.info if i.value.startswith("**Why:**")]
    assert "below 0.0601" in why and "Try lr 0.05" in why  # 2 / λ_max of the sum's Hessian
    assert "**mean** reduction" in why and "limit is 0.18" in why
    assert "standardize" not in why + errors(at)  # not a setting of this page
    at.select_slider(key="linear.lr").set_value(0.05)
    at.run()
    at.button(key="linear.reset").click().run()
    at.button(key="linear.train").click().run()
    assert not panel(at).run.diverged
    assert not [i for i in at.info if i.value.startswith("**Why:**")]


def test_the_page_draws_the_data_the_run_was_made_from():
    """A run owns its data: the fit, the landscape and the best fit come from run.data,
    not from what the widgets would load now."""
    at = open_page()
    at.number_input(key="linear.num_epochs").set_value(2).run()
    at.button(key="linear.train").click().run()
    tripled = dataclasses.replace(load("hours-points"), y_train=torch.tensor([3.0, 6.0, 9.0]))
    run = Run(panel(at).run.config, tripled)
    for _ in train(run, 2):
        pass
    panel(at).run = run
    at.run()
    assert not at.exception
    assert chart_data(at, FIT)["data"]["y"].tolist() == [3.0, 6.0, 9.0]
    ends = chart_data(at, LANDSCAPE_WB)["ends"].set_index("point")
    assert ends.loc["best fit", "w"] == pytest.approx(3.0, abs=1e-4)


def test_the_lecture_toggle_goes_into_the_url_and_a_step_is_told_with_its_numbers():
    at = open_page()
    assert not at.toggle(key="linear.lecture").value and "lecture" not in at.query_params
    at.toggle(key="linear.lecture").set_value(True).run()
    assert at.query_params["lecture"] == "1" and at.get("popover")
    at.button(key="linear.step").click().run()
    run = panel(at).run
    told = " ".join(m.value for m in at.markdown)
    w0 = run.initial["weight"].item()
    assert f"ŷ = w·x + b = {human(w0)} × 1 + " in told  # the first sample, x = 1 hour
    w, b = run.params("nn")["weight"].item(), run.params("nn")["bias"].item()  # the default twin
    assert f"= **{human(w)}**" in told and f"= **{human(b)}**" in told  # after the update
    grads = at.table[0].value  # each sample's gradients, in the first screen
    assert list(grads.columns) == ["x", "∂ℓ/∂w", "∂ℓ/∂b"] and len(grads) == 3
