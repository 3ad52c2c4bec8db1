"""Vega-Lite specs of the linear-regression page (C6): the fit, the loss against w, the
grads table and why a run diverged. The loss over (w, b) is ui.charts.loss_surface.

As in ui.charts, each spec stays the same while training and only its named
datasets change, so the charts update in place.

A diverging run reaches w ~ 1e+33 before it stops: every spec here keeps its tick
labels short and sends only finite numbers (Vega-Lite draws nothing near an inf).
"""
import pandas as pd

from lab.i18n import N_, _
from lab.instruments.landscape import largest_stable_lr
from lab.numbers import human
from ui.charts import INK, MODEL, MUTED, NOW, ON_DARK, TRAIN, drawable, spec

X_MAX, Y_RANGE = 5.0, [-1.0, 11.0]  # fixed axes: the line moves, the frame does not


def fit_line(w, b, X, y, x_new):
    """The data, the line ŷ = w·x + b, and the prediction at x_new, marked with its value."""
    y_new = w * x_new + b
    line_x, line_y = _in_frame(w, b)
    shown = min(max(y_new, Y_RANGE[0]), Y_RANGE[1])  # off the chart: marked at its edge
    off = "" if shown == y_new else " ↑" if y_new > shown else " ↓"
    datasets = {
        "line": pd.DataFrame({"x": line_x, "y": line_y}, dtype=float),
        "data": pd.DataFrame({"x": X.reshape(-1).tolist(), "y": y.tolist()}),
        "prediction": pd.DataFrame({"x": [x_new], "y": [shown],
                                    "label": [f"ŷ({x_new:g}) = {human(y_new)}{off}"]}),
    }
    layers = [
        _line("line", "x", "y", MODEL, clip=True),
        _dots("data", "x", "y", INK, size=220),
        {"data": {"name": "prediction"},
         "mark": {"type": "rule", "strokeDash": [6, 4], "color": MUTED, "size": 2},
         "encoding": {"x": {"field": "x", "type": "quantitative"}}},
        _dots("prediction", "x", "y", NOW, size=420, shape="diamond"),
        {"data": {"name": "prediction"},
         "mark": {"type": "text", "align": "right", "dx": -14, "dy": -14, "fontSize": 20,
                  "fontWeight": "bold", "color": NOW, "clip": True},
         "encoding": {"x": {"field": "x", "type": "quantitative"},
                      "y": {"field": "y", "type": "quantitative"},
                      "text": {"field": "label"}}},
    ]
    return drawable(spec(_("The fitted line and the prediction"), layers, datasets,
                          _("hours x"), _("points ŷ"), x_domain=[0, X_MAX], y_domain=Y_RANGE))


def _in_frame(w, b):
    """([x0, x1], [y0, y1]): the part of ŷ = w·x + b inside the frame, or nothing.

    Cut here, not left to the browser: a line to ŷ = 1e+33 is not drawn reliably.
    """
    lo, hi = 0.0, X_MAX
    if w:  # the x where the line crosses the bottom and the top of the frame
        ends = sorted([(Y_RANGE[0] - b) / w, (Y_RANGE[1] - b) / w])
        lo, hi = max(lo, ends[0]), min(hi, ends[1])
    if lo > hi or not (w or Y_RANGE[0] <= b <= Y_RANGE[1]):
        return [], []
    return [lo, hi], [w * lo + b, w * hi + b]


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
        _line("curve", "w", "loss", TRAIN),  # the training loss, blue as on every page
        _line("path", "w", "loss", MUTED, width=2, order="update", point=True),  # the past
        _dots("now", "w", "loss", NOW, size=320),
    ]
    for layer in layers:  # room below 0 for the dot at the bottom of the valley
        layer["encoding"]["y"]["scale"] = {"padding": 14}
    return drawable(spec(_("Loss against w (b held at its current value)"), layers, datasets,
                          "w", y_title))


GRAD_COLUMNS = {"ŷ": "ŷ = w·x + b", "loss": "ℓ = (ŷ − y)²",
                "grad_w": "∂ℓ/∂w = 2x(ŷ − y)", "grad_b": "∂ℓ/∂b = 2(ŷ − y)",
                "w": N_("w before"), "b": N_("b before")}
COUNT_COLUMNS = {"epoch": N_("epoch"), "update": N_("update")}  # titled, not formatted


def grad_table(rows):
    """The per-sample rows of lab.instruments.linear_trace.sample_grads, titled and formatted."""
    titles = {name: _(title) for name, title in GRAD_COLUMNS.items()}  # the formulas stay
    counts = {name: _(title) for name, title in COUNT_COLUMNS.items()}
    table = pd.DataFrame(rows).rename(columns={**counts, **titles})
    return table.style.format({"x": "{:g}", "y": "{:g}",
                               **{title: human for title in titles.values()}})


WHY = {  # the reason of why_diverged, for each reduction
    "sum": N_("**Why:** on these {n} points, full-batch gradient descent on the sum of the "
              "squared errors converges only for lr below {limit} (2 ÷ the steepest curvature "
              "of the loss bowl). Above it every update lands higher on the far side of the "
              "valley than it started."),
    "mean": N_("**Why:** on these {n} points, full-batch gradient descent on the mean of the "
               "squared errors converges only for lr below {limit} (2 ÷ the steepest curvature "
               "of the loss bowl). Above it every update lands higher on the far side of the "
               "valley than it started."),
}


def why_diverged(run, choices):
    """Why gradient descent blew up on this data, and which of the page's settings help:
    the learning rate below the valley's limit (from `choices`), or the mean."""
    X, y, c = run.data.X_train, run.data.y_train, run.config
    limit, n = largest_stable_lr(X, y, c.reduction), len(y)
    safe = max([lr for lr in choices if lr < min(limit, c.lr)], default=min(choices))
    reason = _(WHY[c.reduction]).format(n=n, limit=f"{limit:.3g}")
    if c.reduction == "sum":
        advice = _("Try lr {safe}, or the **mean** reduction: its gradient is the sum's ÷ {n}, "
                   "so its limit is {limit}").format(
            safe=f"{safe:g}", n=n, limit=f"{largest_stable_lr(X, y, 'mean'):.3g}")
    else:
        advice = _("Try lr {safe}").format(safe=f"{safe:g}")
    if c.batch_size < n:
        return _("{reason} {advice} (with mini-batches each batch has its own limit; this is "
                 "the full batch's).").format(reason=reason, advice=advice)
    return _("{reason} {advice}.").format(reason=reason, advice=advice)


def log_loss_axis(curves):
    """The same curves spec with a log y axis: the loss of a line falls by orders."""
    curves["layer"][0]["encoding"]["y"]["scale"] = {"type": "log"}
    return drawable(curves)


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
                     "color": color, "opacity": 1, "stroke": ON_DARK, "strokeWidth": 2,
                     "clip": True},
            "encoding": {"x": {"field": x, "type": "quantitative"},
                         "y": {"field": y, "type": "quantitative"}}}
