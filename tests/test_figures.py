"""The live charts' specs: what Vega-Lite is asked to draw."""
import pandas as pd

from ui.figures import _value_scale


def test_a_flat_curve_gets_room_around_it():
    scale = _value_scale(pd.Series([50.0, 50.0, 50.0]))  # a run saturated at the clamp
    assert scale["domain"] == [47.5, 52.5] and scale["zero"] is False


def test_a_flat_curve_at_zero_is_not_an_empty_range():
    lo, hi = _value_scale(pd.Series([0.0, 0.0]))["domain"]
    assert lo < 0 < hi


def test_a_moving_curve_is_fitted_by_vega_lite():
    assert _value_scale(pd.Series([0.7, 0.5, 0.4])) == {"zero": False}
    assert _value_scale(pd.Series([], dtype=float)) == {"zero": False}


def test_epochs_are_whole_numbers_on_every_curve_chart():
    from lab.history import History
    from ui.figures import curves

    spec = curves(History(), "loss", "Loss", "BCE")
    assert spec["layer"][0]["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    spec["layer"][0]["encoding"]["x"]["axis"]["format"] = "changed"  # each spec its own copy
    assert curves(History(), "loss", "Loss", "BCE")["layer"][0]["encoding"]["x"]["axis"][
        "format"] == "d"


def test_drawn_keeps_at_most_the_limit_with_both_ends():
    from ui.figures import drawn

    assert drawn(5, limit=10) == [0, 1, 2, 3, 4]
    kept = drawn(2001, limit=400)
    assert len(kept) == 400 and kept[0] == 0 and kept[-1] == 2000
    gaps = {b - a for a, b in zip(kept, kept[1:])}
    assert gaps <= {5, 6}  # evenly spread


def test_a_long_run_draws_a_few_hundred_points_ending_at_the_newest_epoch():
    from lab.history import History
    from lab.train import EpochEnd, Metrics
    from ui.figures import MAX_DRAWN, curves

    history = History()
    for epoch in range(1, 5001):
        history.append(EpochEnd(epoch, {"manual": Metrics(1 / epoch, 0.5, None, None)}, None, None))
    rows = curves(history, "loss", "Loss", "BCE")["datasets"]["curves"]
    assert len(rows) <= MAX_DRAWN and rows["epoch"].iloc[-1] == 5000
    assert rows["epoch"].iloc[0] == 1


def test_snapped_holds_the_range_and_changes_in_steps():
    from ui.figures import snapped

    assert snapped(-2.5, 2.5) == (-3.0, 3.0)
    assert snapped(-12.3, 40.1) == (-20, 50)
    for lo, hi in [(0.1, 0.3), (-3.1, 7.9), (1e-3, 2e-3), (-1e4, 5.0)]:
        a, b = snapped(lo, hi)
        assert a <= lo and b >= hi and (b - a) <= 2 * (hi - lo)
    # a path that grows a little keeps the same grid, so the browser is sent nothing new
    assert snapped(-3.1, 7.9) == snapped(-3.2, 7.95)
