"""Vega-Lite specs of the linear-regression page (C6): the fit, and the loss landscape.

As in ui.figures, each spec stays the same while training and only its named
datasets change, so the charts update in place.
"""
import pandas as pd

from ui.figures import HEAT_OVERLAP, _spec, heat_map

X_MAX, Y_RANGE = 5.0, [-1.0, 11.0]  # fixed axes: the line moves, the frame does not
LINE, PATH, NOW = "#1f77b4", "#ff7f0e", "#d62728"


def fit_line(w, b, X, y, x_new):
    """The data, the line ŷ = w·x + b, and the prediction at x_new, marked with its value."""
    y_new = w * x_new + b
    datasets = {
        "line": pd.DataFrame({"x": [0.0, X_MAX], "y": [b, w * X_MAX + b]}),
        "data": pd.DataFrame({"x": X.reshape(-1).tolist(), "y": y.tolist()}),
        "prediction": pd.DataFrame({"x": [x_new], "y": [y_new],
                                    "label": [f"ŷ({x_new:g}) = {y_new:.4f}"]}),
    }
    layers = [
        _line("line", "x", "y", LINE, clip=True),
        _dots("data", "x", "y", "#333333", size=220),
        {"data": {"name": "prediction"}, "mark": {"type": "rule", "strokeDash": [6, 4]},
         "encoding": {"x": {"field": "x", "type": "quantitative"}}},
        _dots("prediction", "x", "y", NOW, size=420, shape="diamond"),
        {"data": {"name": "prediction"},
         "mark": {"type": "text", "align": "right", "dx": -14, "dy": -14, "fontSize": 20,
                  "fontWeight": "bold", "color": NOW, "clip": True},
         "encoding": {"x": {"field": "x", "type": "quantitative"},
                      "y": {"field": "y", "type": "quantitative"},
                      "text": {"field": "label"}}},
    ]
    return _spec("The fitted line and the prediction", layers, datasets, "hours x",
                 "points ŷ", x_domain=[0, X_MAX], y_domain=Y_RANGE)


def loss_over_w(ws, curve, path, now, y_title):
    """The loss against w with b held at its current value, and the road taken to here.

    path: (updates, ws, losses) of the run so far, each at the (w, b) it had then.
    """
    updates, path_ws, path_losses = path
    datasets = {
        "curve": pd.DataFrame({"w": ws.tolist(), "loss": curve.tolist()}),
        "path": pd.DataFrame({"update": updates, "w": path_ws.tolist(),
                              "loss": path_losses.tolist()}),
        "now": pd.DataFrame({"w": [now[0]], "loss": [now[1]]}),
    }
    layers = [
        _line("curve", "w", "loss", LINE),
        _line("path", "w", "loss", PATH, width=2, order="update", point=True),
        _dots("now", "w", "loss", NOW, size=320),
    ]
    return _spec("Loss against w (b held at its current value)", layers, datasets,
                 "w", y_title)


def loss_surface(ws, bs, grid, road, best, y_title):
    """The loss over (w, b) as a heatmap, with gradient descent's road and the best fit.

    grid[j, i] is the loss at (ws[i], bs[j]); road is (updates, ws, bs).
    """
    dw = (ws[1] - ws[0]).item() / 2 * HEAT_OVERLAP
    db = (bs[1] - bs[0]).item() / 2 * HEAT_OVERLAP
    cells = [(w - dw, w + dw, b - db, b + db, grid[j, i].item())
             for j, b in enumerate(bs.tolist()) for i, w in enumerate(ws.tolist())]
    updates, road_ws, road_bs = road
    datasets = {
        "cells": pd.DataFrame(cells, columns=["w", "w2", "b", "b2", "loss"]),
        "road": pd.DataFrame({"update": updates, "w": road_ws.tolist(), "b": road_bs.tolist()}),
        "ends": pd.DataFrame({"w": [road_ws[-1].item(), best[0]],
                              "b": [road_bs[-1].item(), best[1]],
                              "point": ["now", "best fit"]}),
    }
    tight = {"zero": False, "nice": False}
    heat = {"data": {"name": "cells"}, "mark": "rect",
            "encoding": {"x": {"field": "w", "type": "quantitative", "scale": tight},
                         "x2": {"field": "w2"},
                         "y": {"field": "b", "type": "quantitative", "scale": tight},
                         "y2": {"field": "b2"},
                         "color": {"field": "loss", "type": "quantitative", "legend": None,
                                   "scale": {"type": "sqrt", "scheme": "viridis"}},
                         "tooltip": [{"field": "loss", "title": y_title, "format": ".3f"}]}}
    points = {"x": {"field": "w", "type": "quantitative"},
              "y": {"field": "b", "type": "quantitative"}}
    layers = [
        heat,
        _line("road", "w", "b", "white", width=3, order="update"),
        {"data": {"name": "ends"},
         "mark": {"type": "point", "size": 360, "filled": True, "color": NOW,
                  "stroke": "white", "strokeWidth": 2},
         "encoding": {**points, "shape": {"field": "point", "type": "nominal", "legend": None,
                                          "scale": {"domain": ["now", "best fit"],
                                                    "range": ["circle", "cross"]}}}},
        _label("now", "left", dx=14, dy=-14, points=points),      # above right of the dot
        _label("best fit", "right", dx=-14, dy=18, points=points),  # below left: never on "now"
    ]
    return heat_map(_spec("Loss over (w, b) and the road of gradient descent", layers,
                          datasets, "w", "b"))


def log_loss_axis(spec):
    """The same curves spec with a log y axis: the loss of a line falls by orders."""
    spec["layer"][0]["encoding"]["y"]["scale"] = {"type": "log"}
    return spec


def _label(point, align, dx, dy, points):
    return {"data": {"name": "ends"}, "transform": [{"filter": f"datum.point == '{point}'"}],
            "mark": {"type": "text", "align": align, "dx": dx, "dy": dy, "fontSize": 17,
                     "fontWeight": "bold", "color": "white"},
            "encoding": {**points, "text": {"field": "point"}}}


def _line(name, x, y, color, width=4, clip=False, order=None, point=False):
    encoding = {"x": {"field": x, "type": "quantitative"},
                "y": {"field": y, "type": "quantitative"}}
    if order:  # follow time, not x: a road can turn back
        encoding["order"] = {"field": order, "type": "quantitative"}
    mark = {"type": "line", "strokeWidth": width, "color": color, "clip": clip}
    if point:
        mark["point"] = {"filled": True, "size": 30, "color": color}
    return {"data": {"name": name}, "mark": mark, "encoding": encoding}


def _dots(name, x, y, color, size, shape="circle"):
    return {"data": {"name": name},
            "mark": {"type": "point", "filled": True, "size": size, "shape": shape,
                     "color": color, "opacity": 1, "stroke": "white", "strokeWidth": 2,
                     "clip": True},
            "encoding": {"x": {"field": x, "type": "quantitative"},
                         "y": {"field": y, "type": "quantitative"}}}
