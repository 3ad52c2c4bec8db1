"""Chart plumbing every page shares: Vega-Lite specs sized and lettered for a projector,
the curves per epoch, the loss over (w, b), and drawing a spec into a placeholder.

Why Vega-Lite and not plotly here: the spec of a live chart stays the same and
only its named datasets change, so Streamlit updates the chart in place; a
plotly chart is remounted on every redraw and flickers blank while training.
Each page's own charts are in ui.<page>_figures.
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
NOW = "#d62728"  # where the parameters are now
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


def chart(box, spec):
    """Draw a Vega-Lite spec into a placeholder; redrawn, it updates in place."""
    box.vega_lite_chart(spec=spec, width="stretch")


def show_gap(box, run):
    """Both twins in lockstep: how far apart they are, in any parameter and any loss."""
    if run.max_param_gap is not None:
        box.caption(f"manual vs torch.nn, largest gap so far: {run.max_param_gap:.2g} in "
                    f"any parameter, {run.max_loss_gap:.2g} in any loss (float rounding).")


def spec(title, layers, datasets, x_title, y_title, x_domain=None, y_domain=None):
    """A layered spec in the lab's lettering; the axis titles (and domains) go to every
    layer that encodes that axis and has not set its own."""
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


def heat_map(spec):
    """A spec whose thousands of cells are painted on a canvas (not an SVG node each),
    without axis grid lines across them: the cells are the grid."""
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    spec["config"] = {**spec["config"], "axis": {**spec["config"]["axis"], "grid": False}}
    return spec


def drawable(spec):
    """The spec without the rows of its data that hold an inf or a nan (a diverged epoch's
    loss can overflow float32; Vega-Lite draws nothing near an inf)."""
    spec["datasets"] = {name: _finite_rows(frame) for name, frame in spec["datasets"].items()}
    return spec


def _finite_rows(frame):
    numbers = frame.select_dtypes("number")
    return frame[numbers.abs().lt(math.inf).all(axis=1)]  # nan < inf is False too


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


def span(values, least=0.0):
    """(lo, hi) for a loss surface: every value with a margin (15% of their range, at
    least 0.5) on each side, at least `least` wide, snapped to round steps. As floats:
    snapped gives huge ends as ints, which torch cannot take."""
    lo, hi = min(values), max(values)
    pad = max(least - (hi - lo), 0) / 2 + max(0.5, 0.15 * (hi - lo))
    return tuple(float(v) for v in snapped(lo - pad, hi + pad))


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
    return spec(title, [line], {"curves": data}, "epoch", y_title)


def _value_scale(values):
    """Fit the values, not zero; a flat curve (a saturated run) gets a little room around it,
    or Vega-Lite labels its one-point axis with a run of zeros ("50.000000")."""
    if len(values) and values.max() - values.min() <= 1e-9 * max(1.0, abs(values.max())):
        pad = max(abs(values.max()) * 0.05, 0.05)
        return {"zero": False, "domain": [float(values.min() - pad), float(values.max() + pad)]}
    return {"zero": False}


def loss_surface(ws, bs, losses, path, title, loss_title="loss", color_scale="log",
                 best=None):
    """The loss over (w, b) as a heat map (darker is lower), with the path of the updates,
    where it is now and, if known, the best fit.

    losses[j, i] is the loss at (ws[i], bs[j]); path is [(update, w, b), ...] in order.
    color_scale: "log" for a loss that spans orders (BCE), "sqrt" for a squared error
    (its bowl then shows as evenly spaced bands; a log would meet a 0 at the best fit).
    The axes fit the grid's cells ("tight" scales), not a domain written into the spec:
    the spec then stays the same as the path grows and the browser updates the chart in
    place instead of building it again at every redraw.
    """
    dw = (ws[1] - ws[0]).item() / 2 * HEAT_OVERLAP
    db = (bs[1] - bs[0]).item() / 2 * HEAT_OVERLAP
    W, B = torch.meshgrid(ws.double(), bs.double(), indexing="xy")  # (len(bs), len(ws)) each
    cells = pd.DataFrame({"w": (W - dw).reshape(-1).tolist(), "w2": (W + dw).reshape(-1).tolist(),
                          "b": (B - db).reshape(-1).tolist(), "b2": (B + db).reshape(-1).tolist(),
                          "loss": losses.reshape(-1).tolist()})
    road = pd.DataFrame([path[i] for i in drawn(len(path))], columns=["update", "w", "b"])
    ends = [(*path[-1][1:], "now")] + ([(*best, "best fit")] if best else [])
    datasets = {"cells": cells, "road": road,
                "ends": pd.DataFrame(ends, columns=["w", "b", "point"])}
    tight = {"zero": False, "nice": False}
    at = {"x": {"field": "w", "type": "quantitative"},
          "y": {"field": "b", "type": "quantitative"}}
    layers = [
        {"data": {"name": "cells"}, "mark": "rect",
         "encoding": {"x": {**at["x"], "scale": tight}, "x2": {"field": "w2"},
                      "y": {**at["y"], "scale": tight}, "y2": {"field": "b2"},
                      "color": {"field": "loss", "type": "quantitative", "title": loss_title,
                                "scale": {"type": color_scale, "scheme": "viridis"}},
                      "tooltip": [{"field": "loss", "title": loss_title, "format": ".4~g"}]}},
        {"data": {"name": "road"},
         "mark": {"type": "line", "color": "white", "strokeWidth": 3,
                  "point": {"color": "white", "size": 20}},
         "encoding": {**at, "order": {"field": "update", "type": "quantitative"}}},
        {"data": {"name": "ends"},
         "mark": {"type": "point", "size": 360, "filled": True, "color": NOW,
                  "stroke": "white", "strokeWidth": 2},
         "encoding": {**at, "shape": {"field": "point", "type": "nominal", "legend": None,
                                      "scale": {"domain": ["now", "best fit"],
                                                "range": ["circle", "cross"]}}}},
        _end_label("now", "left", dx=14, dy=-14, at=at),        # above right of the dot
        _end_label("best fit", "right", dx=-14, dy=18, at=at),  # below left: never on "now"
    ]
    surface = heat_map(spec(title, layers, datasets, "w", "b"))
    surface["config"] = {**surface["config"],
                         "legend": {**CONFIG["legend"], "orient": "right"}}
    return drawable(surface)


def _end_label(point, align, dx, dy, at):
    return {"data": {"name": "ends"}, "transform": [{"filter": f"datum.point == '{point}'"}],
            "mark": {"type": "text", "align": align, "dx": dx, "dy": dy, "fontSize": 17,
                     "fontWeight": "bold", "color": "white"},
            "encoding": {**at, "text": {"field": "point"}}}
