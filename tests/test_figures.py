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
