"""The shared chart plumbing (ui.charts): what Vega-Lite is asked to draw."""
import pandas as pd
import pytest
import torch

from lab.history import History
from lab.train import EpochEnd, Metrics
from ui.charts import MAX_DRAWN, curves, drawn, loss_surface, snapped, span


def history_of(train_losses):
    history = History()
    for epoch, loss in enumerate(train_losses, start=1):
        history.append(EpochEnd(epoch, {"manual": Metrics(loss, 0.5, None, None)}, None, None))
    return history


def y_scale(train_losses):
    return curves(history_of(train_losses), "loss", "Loss", "BCE")["layer"][0]["encoding"][
        "y"]["scale"]


def test_a_flat_curve_gets_room_around_it():
    scale = y_scale([50.0, 50.0, 50.0])  # a run saturated at the clamp
    assert scale["domain"] == [47.5, 52.5] and scale["zero"] is False


def test_a_flat_curve_at_zero_is_not_an_empty_range():
    lo, hi = y_scale([0.0, 0.0])["domain"]
    assert lo < 0 < hi


def test_a_moving_curve_is_fitted_by_vega_lite():
    assert y_scale([0.7, 0.5, 0.4]) == {"zero": False}
    assert y_scale([]) == {"zero": False}


def test_epochs_are_whole_numbers_on_every_curve_chart():
    spec = curves(History(), "loss", "Loss", "BCE")
    assert spec["layer"][0]["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    spec["layer"][0]["encoding"]["x"]["axis"]["format"] = "changed"  # each spec its own copy
    assert curves(History(), "loss", "Loss", "BCE")["layer"][0]["encoding"]["x"]["axis"][
        "format"] == "d"


def test_drawn_keeps_at_most_the_limit_with_both_ends():
    assert drawn(5, limit=10) == [0, 1, 2, 3, 4]
    kept = drawn(2001, limit=400)
    assert len(kept) == 400 and kept[0] == 0 and kept[-1] == 2000
    gaps = {b - a for a, b in zip(kept, kept[1:])}
    assert gaps <= {5, 6}  # evenly spread


def test_a_long_run_draws_a_few_hundred_points_ending_at_the_newest_epoch():
    rows = curves(history_of([1 / e for e in range(1, 5001)]), "loss", "Loss",
                  "BCE")["datasets"]["curves"]
    assert len(rows) <= MAX_DRAWN and rows["epoch"].iloc[-1] == 5000
    assert rows["epoch"].iloc[0] == 1


def test_snapped_holds_the_range_and_changes_in_steps():
    assert snapped(-2.5, 2.5) == (-3.0, 3.0)
    assert snapped(-12.3, 40.1) == (-20, 50)
    for lo, hi in [(0.1, 0.3), (-3.1, 7.9), (1e-3, 2e-3), (-1e4, 5.0)]:
        a, b = snapped(lo, hi)
        assert a <= lo and b >= hi and (b - a) <= 2 * (hi - lo)
    # a path that grows a little keeps the same grid, so the browser is sent nothing new
    assert snapped(-3.1, 7.9) == snapped(-3.2, 7.95)


@pytest.mark.parametrize("values, least", [([0.0], 4.0), ([-0.3, 0.2, 0.1], 4.0),
                                           ([0.0, 2.0], 0.0), ([-10.0, 30.0], 4.0),
                                           ([3.4e38, -3.4e38], 0.0)])
def test_span_holds_every_value_with_room_at_least_least_wide(values, least):
    lo, hi = span(values, least)
    assert isinstance(lo, float) and isinstance(hi, float)  # torch.linspace takes floats
    assert lo < min(values) and hi > max(values) and hi - lo >= least
    assert span(values + [min(values) + 1e-3], least) == (lo, hi)  # a little more: same grid


def test_loss_surface_draws_every_cell_the_path_and_where_it_is_now():
    ws, bs = torch.linspace(-2, 2, 5), torch.linspace(-1, 1, 3)
    losses = ws[None, :] ** 2 + bs[:, None] ** 2 + 1  # losses[j, i] at (ws[i], bs[j])
    path = [(0, -2.0, 1.0), (1, -1.0, 0.5), (2, 0.5, 0.0)]
    spec = loss_surface(ws, bs, losses, path, "Loss", best=(0.0, 0.0))
    cells, road, ends = (spec["datasets"][k] for k in ("cells", "road", "ends"))
    assert len(cells) == 15
    middle = cells[(cells["w"] < 0) & (cells["w2"] > 0) & (cells["b"] < 0) & (cells["b2"] > 0)]
    assert middle["loss"].tolist() == [1.0]  # the cell around (0, 0) holds the loss there
    assert road["update"].tolist() == [0, 1, 2]
    ends = ends.set_index("point")
    assert ends.loc["now", ["w", "b"]].tolist() == [0.5, 0.0]
    assert ends.loc["best fit", ["w", "b"]].tolist() == [0.0, 0.0]
    # "now" labelled to its right, "best fit" to its left: away from each other
    assert ends.loc["now", "side"] == "right" and ends.loc["best fit", "side"] == "left"
    no_best = loss_surface(ws, bs, losses, path, "Loss")["datasets"]["ends"]
    assert no_best["point"].tolist() == ["now"]


def test_a_label_near_the_edge_of_the_surface_turns_inward():
    ws, bs = torch.linspace(-2, 2, 5), torch.linspace(-1, 1, 3)
    losses = ws[None, :] ** 2 + bs[:, None] ** 2
    for w, side in [(1.9, "left"), (1.0, "right"), (-1.9, "right")]:
        ends = loss_surface(ws, bs, losses, [(0, w, 0.0)], "Loss",
                            best=(w, 0.5))["datasets"]["ends"].set_index("point")
        assert ends.loc["now", "side"] == side
    assert ends.loc["best fit", "side"] == "right"  # at -1.9: turned inward too


def test_loss_surface_sends_only_finite_numbers():
    ws, bs = torch.tensor([0.0, 3e38], dtype=torch.float64), torch.tensor([0.0, 1.0])
    losses = torch.tensor([[1.0, float("inf")], [2.0, 3.0]])
    spec = loss_surface(ws, bs.double(), losses, [(0, 0.0, 0.0), (1, 3.4e38, 1.0)], "Loss")
    for frame in spec["datasets"].values():
        assert frame.select_dtypes("number").abs().lt(float("inf")).all().all()
    assert len(spec["datasets"]["cells"]) == 3
    assert isinstance(spec["datasets"]["cells"], pd.DataFrame)
