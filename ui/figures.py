"""Vega-Lite chart specs for the live view, sized and lettered for a projector.

Why Vega-Lite and not plotly here: the spec of a live chart stays the same and
only its named datasets change, so Streamlit updates the chart in place; a
plotly chart is remounted on every redraw and flickers blank while training.
"""
import math

import pandas as pd
import torch

MAX_POINTS = 400  # examples drawn at most in a scatter: enough to see, cheap to send
# Vertices drawn at most per line. A chart is ~650 px wide, so more points add nothing to
# see, but every one costs the browser's Vega interpreter time at each live redraw; with
# 2 000 a slow laptop fell 15 s behind the server and Stop seemed not to work.
MAX_DRAWN = 400
HEIGHT = 360
SPLIT_COLORS = {"domain": ["train", "test"], "range": ["#1f77b4", "#ff7f0e"]}
CLASS_COLORS = ["#d62728", "#2ca02c"]  # class 0 red, class 1 green
# Tick labels of huge or tiny values in e-notation ("-2.2e+33", not "−2,200,000,00…" cut
# off); ordinary ones as Vega-Lite writes them (a "format" would set every tick's precision).
SHORT_LABEL = ("abs(datum.value) >= 1e5 || (datum.value != 0 && abs(datum.value) < 1e-4)"
               " ? format(datum.value, '.2~e') : datum.label")
CONFIG = {
    # No ARIA attributes on every SVG mark: the browser's biggest cost at each live redraw
    "aria": False,
    "axis": {"labelFontSize": 15, "titleFontSize": 17, "grid": True,
             "labelExpr": SHORT_LABEL},
    "legend": {"labelFontSize": 15, "titleFontSize": 15, "orient": "bottom"},
    "title": {"fontSize": 19, "anchor": "start"},
}


HEAT_OVERLAP = 1.05  # heat-map cells a hair wider than their step: no seams on a canvas


def heat_map(spec):
    """A spec whose thousands of cells are painted on a canvas (not an SVG node each),
    without axis grid lines across them: the cells are the grid."""
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    spec["config"] = {**spec["config"], "axis": {**spec["config"]["axis"], "grid": False}}
    return spec


def _spec(title, layers, datasets, x_title, y_title, x_domain=None, y_domain=None):
    x = {"title": x_title}
    y = {"title": y_title}
    if x_domain:
        x["scale"] = {"domain": x_domain}
    if y_domain:
        y["scale"] = {"domain": y_domain}
    for layer in layers:
        enc = layer.setdefault("encoding", {})
        if "x" in enc:
            enc["x"].update({k: v for k, v in x.items() if k not in enc["x"]})
        if "y" in enc:
            enc["y"].update({k: v for k, v in y.items() if k not in enc["y"]})
    return {"title": title, "height": HEIGHT, "layer": layers, "datasets": datasets,
            "config": CONFIG}


def drawn(n, limit=MAX_DRAWN):
    """Indices of at most `limit` of n points, evenly spread, always the first and the last."""
    if n <= limit:
        return list(range(n))
    return sorted({round(i * (n - 1) / (limit - 1)) for i in range(limit)})


def snapped(lo, hi):
    """[lo, hi] widened to multiples of a round step (1, 2 or 5 × 10^k, about an eighth of
    the width): a loss surface over a range that grows with the path then changes in jumps,
    not at every redraw, and the browser skips a grid it already has."""
    raw = max(hi - lo, 1e-12) / 8
    unit = 10.0 ** math.floor(math.log10(raw))  # a float: huge ranges stay floats
    step = next(m * unit for m in (1, 2, 5, 10) if m * unit >= raw)
    return round(math.floor(lo / step) * step, 12), round(math.ceil(hi / step) * step, 12)


def epoch_axis():
    """Whole epochs on x: with one epoch drawn, Vega-Lite would label it "1.000000"."""
    return {"field": "epoch", "type": "quantitative", "axis": {"format": "d", "tickMinStep": 1}}


def curves(history, column, title, y_title):
    """Train and test `column` ('loss' or 'acc') per epoch: one line per split and twin."""
    rows = []
    for impl in history.rows:
        epochs, cols = history.series(impl)
        keep = drawn(len(epochs))
        for split in ("train", "test"):
            values = cols[f"{split}_{column}"]
            for i in keep:
                if values[i] is not None and math.isfinite(values[i]):  # JSON has no inf
                    rows.append((epochs[i], values[i], split, impl))
    data = pd.DataFrame(rows, columns=["epoch", "value", "split", "implementation"])
    splits = [s for s in SPLIT_COLORS["domain"] if s in set(data["split"])] or ["train"]
    colors = {"domain": splits, "range": SPLIT_COLORS["range"][:len(splits)]}
    encoding = {
        "x": epoch_axis(),
        "y": {"field": "value", "type": "quantitative", "scale": _value_scale(data["value"])},
        "color": {"field": "split", "type": "nominal", "scale": colors, "title": None},
    }
    if len(history.rows) > 1:  # both twins: solid manual, dashed nn
        encoding["strokeDash"] = {"field": "implementation", "type": "nominal", "title": None,
                                  "scale": {"domain": ["manual", "nn"],
                                            "range": [[1, 0], [8, 5]]}}
    line = {"data": {"name": "curves"},
            "mark": {"type": "line", "strokeWidth": 3, "point": len(history) < 30},
            "encoding": encoding}
    return _spec(title, [line], {"curves": data}, "epoch", y_title)


def _value_scale(values):
    """Fit the values, not zero; a flat curve (a saturated run) gets a little room around it,
    or Vega-Lite labels its one-point axis with a run of zeros ("50.000000")."""
    if len(values) and values.max() - values.min() <= 1e-9 * max(1.0, abs(values.max())):
        pad = max(abs(values.max()) * 0.05, 0.05)
        return {"zero": False, "domain": [float(values.min() - pad), float(values.max() + pad)]}
    return {"zero": False}


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
        {"data": {"name": "cross"}, "mark": {"type": "rule", "strokeDash": [6, 4], "size": 2},
         "encoding": {"x": {"field": "x", "type": "quantitative"}}},
        # low, right of the line: the sigmoid is above ½ there and the y = 0 points lie left
        {"data": {"name": "cross"},
         "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 16},
         "encoding": {"x": {"field": "x", "type": "quantitative"},
                      "y": {"datum": 0.12, "type": "quantitative"},
                      "text": {"field": "label"}}},
    ]
    y_title = "P(pass)" if feature_name == "hours" else "P(y = 1)"
    return _spec("Fitted sigmoid", layers, datasets, feature_name, y_title,
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
    return _spec("Every example on the sigmoid", layers, datasets, "z = w·x + b", "ŷ = σ(z)",
                 x_domain=[-reach, reach], y_domain=[-0.05, 1.05])


def decision_boundary(model, X, y, feature_names, true_params=None):
    """The two-feature data with the line w·x + b = 0 (and the true one, if known)."""
    X, y = X[:MAX_POINTS], y[:MAX_POINTS]
    x_lo, x_hi = X[:, 0].min().item(), X[:, 0].max().item()
    y_lo, y_hi = X[:, 1].min().item(), X[:, 1].max().item()
    lines = [("model", model.params())]  # the legend names only the lines there are
    if true_params:
        lines.append(("true", {k: torch.tensor(v) for k, v in true_params.items()}))
    rows = []
    for name, p in lines:
        w, b = p["weight"].reshape(-1), p["bias"].reshape(-1)[0]
        if abs(w[1].item()) > 1e-12:
            for x0 in (x_lo, x_hi):
                rows.append((name, x0, (-(w[0] * x0 + b) / w[1]).item()))
    datasets = {"points": _points(X[:, 0], X[:, 1], y),
                "lines": pd.DataFrame(rows, columns=["line", "x", "y"])}
    layers = [
        _points_layer(),
        {"data": {"name": "lines"}, "mark": {"type": "line", "strokeWidth": 3, "clip": True},
         "encoding": {
             "x": {"field": "x", "type": "quantitative"},
             "y": {"field": "y", "type": "quantitative"},
             "detail": {"field": "line"},
             "strokeDash": {"field": "line", "type": "nominal", "title": "w·x + b = 0",
                            "scale": {"domain": [name for name, _ in lines],
                                      "range": [[1, 0], [6, 4]][:len(lines)]}},
         }},
    ]
    return _spec("Decision boundary", layers, datasets, feature_names[0], feature_names[1],
                 x_domain=[x_lo, x_hi], y_domain=[y_lo, y_hi])


def _points(xs, ys, labels):
    return pd.DataFrame({"x": xs.tolist(), "y": ys.tolist(),
                         "class": [f"y = {int(v)}" for v in labels.tolist()]})


def _curve_layer(name, x, y):
    return {"data": {"name": name}, "mark": {"type": "line", "strokeWidth": 4, "color": "#1f77b4"},
            "encoding": {"x": {"field": x, "type": "quantitative"},
                         "y": {"field": y, "type": "quantitative"}}}


def _points_layer():
    return {"data": {"name": "points"},
            "mark": {"type": "circle", "size": 90, "opacity": 0.8, "stroke": "white"},
            "encoding": {"x": {"field": "x", "type": "quantitative"},
                         "y": {"field": "y", "type": "quantitative"},
                         "color": {"field": "class", "type": "nominal", "title": None,
                                   "scale": {"domain": ["y = 0", "y = 1"],
                                             "range": CLASS_COLORS}}}}


def _half_rule():
    return {"mark": {"type": "rule", "strokeDash": [2, 3], "color": "gray"},
            "encoding": {"y": {"datum": 0.5, "type": "quantitative"}}}


def landscape(ws, bs, losses, path, title, x_title="w", y_title="b"):
    """The loss over (w, b) as a heat map, with the path of the updates and where it is now.

    The axes fit the grid's cells ("tight" scales), not a domain written into the spec: the
    spec then stays the same as the path grows and the browser updates the chart in place
    instead of building it again at every redraw.
    """
    dw, db = (ws[1] - ws[0]).item() / 2, (bs[1] - bs[0]).item() / 2
    W, B = torch.meshgrid(ws, bs, indexing="xy")              # (steps_b, steps_w) each
    ow, ob = dw * HEAT_OVERLAP, db * HEAT_OVERLAP
    grid = pd.DataFrame({"w0": (W - ow).reshape(-1).tolist(), "w1": (W + ow).reshape(-1).tolist(),
                         "b0": (B - ob).reshape(-1).tolist(), "b1": (B + ob).reshape(-1).tolist(),
                         "loss": losses.reshape(-1).tolist()})
    steps = pd.DataFrame([path[i] for i in drawn(len(path))], columns=["update", "w", "b"])
    tight = {"zero": False, "nice": False}
    w_enc = {"field": "w", "type": "quantitative", "scale": tight}
    b_enc = {"field": "b", "type": "quantitative", "scale": tight}
    layers = [
        {"data": {"name": "grid"}, "mark": {"type": "rect"},
         "encoding": {"x": {"field": "w0", "type": "quantitative", "bin": "binned",
                            "scale": tight},
                      "x2": {"field": "w1"},
                      "y": {"field": "b0", "type": "quantitative", "bin": "binned",
                            "scale": tight},
                      "y2": {"field": "b1"},
                      "color": {"field": "loss", "type": "quantitative", "title": "loss",
                                "scale": {"type": "log", "scheme": "viridis", "reverse": True}}}},
        {"data": {"name": "path"}, "mark": {"type": "line", "color": "white", "strokeWidth": 3,
                                             "point": {"color": "white", "size": 20}},
         "encoding": {"x": w_enc, "y": b_enc, "order": {"field": "update"}}},
        {"data": {"name": "path"}, "transform": [{"window": [{"op": "rank", "as": "r"}],
                                                  "sort": [{"field": "update", "order": "descending"}]},
                                                 {"filter": "datum.r == 1"}],
         "mark": {"type": "point", "shape": "diamond", "size": 250, "filled": True,
                  "color": "#d62728", "stroke": "white"},
         "encoding": {"x": w_enc, "y": b_enc}},
    ]
    spec = _spec(title, layers, {"grid": grid, "path": steps}, x_title, y_title)
    spec["config"] = {**CONFIG, "legend": {**CONFIG["legend"], "orient": "right"}}
    return heat_map(spec)


def profile(ts, losses, title):
    """The loss along the straight line from the initial (t = 0) to the current (t = 1) parameters."""
    data = pd.DataFrame({"t": list(ts), "loss": losses})
    marks = pd.DataFrame({"t": [0.0, 1.0], "label": ["initial", "now"]})
    layers = [
        {"data": {"name": "line"}, "mark": {"type": "line", "strokeWidth": 4},
         "encoding": {"x": {"field": "t", "type": "quantitative"},
                      "y": {"field": "loss", "type": "quantitative"}}},
        {"data": {"name": "marks"}, "mark": {"type": "rule", "strokeDash": [6, 4]},
         "encoding": {"x": {"field": "t", "type": "quantitative"}}},
        {"data": {"name": "marks"}, "mark": {"type": "text", "dy": -8, "y": 0, "fontSize": 15,
                                              "baseline": "top", "dx": 4, "align": "left"},
         "encoding": {"x": {"field": "t", "type": "quantitative"}, "text": {"field": "label"}}},
    ]
    return _spec(title, layers, {"line": data, "marks": marks},
                 "t: parameters = initial + t·(now − initial)", "mean loss")
