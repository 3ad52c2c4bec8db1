"""Vega-Lite specs of the logistic-regression page: the fitted sigmoid, every example on
σ(z), the decision boundary, and the loss along the line from the initial parameters.

As in ui.charts, each spec stays the same while training and only its named datasets
change, so the charts update in place.
"""
import pandas as pd
import torch

from lab.i18n import N_, _
from ui.charts import (CLASS_COLORS, INK, MAX_POINTS, MODEL, MODEL_DASH, MUTED, NOW, ON_DARK,
                       TRAIN, TRUTH, TRUTH_DASH, spec)

CLASSES = ["y = 0", "y = 1"]
CLASS_SHAPES = ["circle", "square"]
LINE_NAMES = {"model": N_("model"), "true": N_("true")}  # the decision boundary's legend
MOMENTS = {"initial": N_("initial"), "now": N_("now")}  # the profile's two marked points


def sigmoid_1d(model, X, y, feature_name, x_max=10.0):
    """P(y = 1) against the one feature, with the data, the 0.5 line and x = −b/w."""
    lo = min(0.0, X.min().item())
    hi = max(x_max, X.max().item())
    grid = torch.linspace(lo, hi, 200).reshape(-1, 1)
    with torch.no_grad():
        p = model.forward(grid)
    w = model.params()["weight"].reshape(-1)[0].item()
    b = model.params()["bias"].reshape(-1)[0].item()
    cross = [{"x": -b / w, "label": f"x = −b/w = {-b / w:.3f}"}] if w and lo <= -b / w <= hi else []
    datasets = {
        "curve": pd.DataFrame({"x": grid[:, 0].tolist(), "p": p.tolist()}),
        "points": _points(X[:, 0], y, y),
        "cross": pd.DataFrame(cross, columns=["x", "label"]),
    }
    layers = [
        _curve_layer("curve", "x", "p"),
        _points_layer(),
        _half_rule(),
        {"data": {"name": "cross"},
         "mark": {"type": "rule", "strokeDash": [6, 4], "size": 2, "color": MODEL},
         "encoding": {"x": {"field": "x", "type": "quantitative"}}},
        # low, right of the line: the sigmoid is above ½ there and the y = 0 points lie left
        {"data": {"name": "cross"},
         "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 16, "color": INK},
         "encoding": {"x": {"field": "x", "type": "quantitative"},
                      "y": {"datum": 0.12, "type": "quantitative"},
                      "text": {"field": "label"}}},
    ]
    y_title = _("P(pass)") if feature_name == "hours" else "P(y = 1)"
    return spec(_("Fitted sigmoid"), layers, datasets, feature_name, y_title,
                 x_domain=[lo, hi], y_domain=[-0.05, 1.05])


def sigmoid_z(model, X, y):
    """σ(z) against z = w·x + b, with each example placed on the curve."""
    X, y = X[:MAX_POINTS], y[:MAX_POINTS]
    with torch.no_grad():
        z = model.logits(X)
        p = model.forward(X)
    reach = 6.0
    grid = torch.linspace(-reach, reach, 200)
    z = z.clamp(-reach, reach)  # far-out examples sit at the edge, on the flat part
    datasets = {
        "curve": pd.DataFrame({"x": grid.tolist(), "p": torch.sigmoid(grid).tolist()}),
        "points": _points(z, p, y),
    }
    layers = [_curve_layer("curve", "x", "p"), _points_layer(), _half_rule()]
    return spec(_("Every example on the sigmoid"), layers, datasets, "z = w·x + b", "ŷ = σ(z)",
                 x_domain=[-reach, reach], y_domain=[-0.05, 1.05])


def decision_boundary(model, X, y, feature_names, true_params=None):
    """The two-feature data with the line w·x + b = 0 (and the true one, if known)."""
    X, y = X[:MAX_POINTS], y[:MAX_POINTS]
    x_lo, x_hi = X[:, 0].min().item(), X[:, 0].max().item()
    y_lo, y_hi = X[:, 1].min().item(), X[:, 1].max().item()
    # the legend names only the lines there are
    lines = [(_(LINE_NAMES["model"]), model.params())]
    if true_params:
        lines.append((_(LINE_NAMES["true"]),
                      {k: torch.tensor(v) for k, v in true_params.items()}))
    rows = []
    for name, p in lines:
        w, b = p["weight"].reshape(-1), p["bias"].reshape(-1)[0]
        if abs(w[1].item()) > 1e-12:
            for x0 in (x_lo, x_hi):
                rows.append((name, x0, (-(w[0] * x0 + b) / w[1]).item()))
    datasets = {"points": _points(X[:, 0], X[:, 1], y),
                "lines": pd.DataFrame(rows, columns=["line", "x", "y"])}
    names = [name for name, _params in lines]
    layers = [
        _points_layer(),
        # the model blue and solid, the truth ink and dashed: apart in colour and dash
        {"data": {"name": "lines"}, "mark": {"type": "line", "strokeWidth": 3, "clip": True},
         "encoding": {
             "x": {"field": "x", "type": "quantitative"},
             "y": {"field": "y", "type": "quantitative"},
             "detail": {"field": "line"},
             "color": {"field": "line", "type": "nominal", "title": None,
                       "legend": {"orient": "top", "symbolStrokeWidth": 3},
                       "scale": {"domain": names, "range": [MODEL, TRUTH][:len(names)]}},
             "strokeDash": {"field": "line", "type": "nominal", "title": None,
                            "scale": {"domain": names,
                                      "range": [MODEL_DASH, TRUTH_DASH][:len(names)]}},
         }},
    ]
    boundary = spec(_("Decision boundary"), layers, datasets, feature_names[0], feature_names[1],
                    x_domain=[x_lo, x_hi], y_domain=[y_lo, y_hi])
    # the classes' colours and the lines' are two scales; each layer's legend merges its
    # own channels: coloured points of two shapes, coloured lines of two dashes
    boundary["resolve"] = {"scale": {c: "independent" for c in ("color", "shape", "strokeDash")}}
    return boundary


def _points(xs, ys, labels):
    return pd.DataFrame({"x": xs.tolist(), "y": ys.tolist(),
                         "class": [f"y = {int(v)}" for v in labels.tolist()]})


def _curve_layer(name, x, y):
    return {"data": {"name": name}, "mark": {"type": "line", "strokeWidth": 4, "color": MODEL},
            "encoding": {"x": {"field": x, "type": "quantitative"},
                         "y": {"field": y, "type": "quantitative"}}}


def _points_layer():
    """Each example in its class's colour and shape (told apart without colour, too)."""
    classes = {"field": "class", "type": "nominal", "title": None}
    return {"data": {"name": "points"},
            "mark": {"type": "point", "filled": True, "size": 90, "opacity": 0.85,
                     "stroke": ON_DARK, "strokeWidth": 1},
            "encoding": {"x": {"field": "x", "type": "quantitative"},
                         "y": {"field": "y", "type": "quantitative"},
                         "color": {**classes, "scale": {"domain": CLASSES,
                                                        "range": CLASS_COLORS}},
                         "shape": {**classes, "scale": {"domain": CLASSES,
                                                        "range": CLASS_SHAPES}}}}


def _half_rule():
    return {"mark": {"type": "rule", "strokeDash": [2, 3], "color": MUTED},
            "encoding": {"y": {"datum": 0.5, "type": "quantitative"}}}


def profile(ts, losses, title):
    """The loss along the straight line from the initial (t = 0) to the current (t = 1) parameters."""
    data = pd.DataFrame({"t": list(ts), "loss": losses})
    moments = [_(MOMENTS["initial"]), _(MOMENTS["now"])]
    marks = pd.DataFrame({"t": [0.0, 1.0], "label": moments})
    t = {"field": "t", "type": "quantitative"}
    when = {"field": "label", "type": "nominal", "legend": None,
            "scale": {"domain": moments, "range": [MUTED, NOW]}}
    layers = [
        {"data": {"name": "line"}, "mark": {"type": "line", "strokeWidth": 4, "color": TRAIN},
         "encoding": {"x": t, "y": {"field": "loss", "type": "quantitative"}}},
        {"data": {"name": "marks"}, "mark": {"type": "rule", "strokeDash": [6, 4], "size": 2},
         "encoding": {"x": t, "color": when}},
        {"data": {"name": "marks"}, "mark": {"type": "text", "dy": -8, "y": 0, "fontSize": 16,
                                              "fontWeight": "bold", "baseline": "top", "dx": 4,
                                              "align": "left"},
         "encoding": {"x": t, "text": {"field": "label"}, "color": when}},
    ]
    return spec(title, layers, {"line": data, "marks": marks},
                 _("t (0: initial, 1: now)"), _("mean loss"))
