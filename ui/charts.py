"""Chart plumbing every page shares: one colour language, Vega-Lite specs sized and
lettered for a projector, the curves per epoch, the loss over (w, b), and drawing a spec
into a placeholder.

Why Vega-Lite and not plotly here: the spec of a live chart stays the same and
only its named datasets change, so Streamlit updates the chart in place; a
plotly chart is remounted on every redraw and flickers blank while training.
Each page's own charts are in ui.<page>_figures.
"""
import functools
import math
import textwrap
import unicodedata

import pandas as pd
import torch

from lab.i18n import N_, _

MAX_POINTS = 400  # examples drawn at most in a scatter: enough to see, cheap to send
# Vertices drawn at most per line. A chart is ~650 px wide, so more points add nothing to
# see, but every one costs the browser's Vega interpreter time at each live redraw; with
# 2 000 a slow laptop fell 15 s behind the server and Stop seemed not to work.
MAX_DRAWN = 400
HEIGHT = 360

# The colour language: a colour means one thing on every page and in every chart (the
# tests hold every chart to these). Okabe and Ito's hues, told apart with any colour
# vision and still apart on a washed-out projector; no pale grey for anything to be read.
INK = "#222222"       # text, axes and the truth: the true boundary, the true class, C6's points
MUTED = "#666666"     # for reference: the ½ line, zero counts, the road on a white ground
OTHER = "#b3b3b3"     # a filled mark that is not the point: the other classes' bars
GRID = "#e5e5e5"      # grid lines: there to be faint, never read
ON_DARK = "#ffffff"   # on a heat map's dark cells: the road, the labels, large counts
TRAIN, TEST = "#0072B2", "#E69F00"         # the two splits: blue and orange
MODEL, TRUTH = TRAIN, INK                  # the model's line (what training fitted), the truth
SOLID, DASHED = [1, 0], [8, 5]
MODEL_DASH, TRUTH_DASH = SOLID, DASHED     # and they differ in dash too
CLASS_COLORS = ["#D55E00", "#009E73"]      # class 0 vermillion (red), class 1 bluish green
NOW = "#C2185B"       # magenta: where the parameters (and their prediction) are now
LOSS_SCHEME = "viridis"  # a loss as a colour: dark purple is low, yellow high. Darker is lower
COUNT_SCHEME = "blues"   # a count as a colour: darker is more; a zero stays white
# A weight as a colour (the softmax page's images and heat map): blue below 0, red above
NEGATIVE, ZERO, POSITIVE = "#2166AC", "#F7F7F7", "#B2182B"
# One colour each for things compared side by side (runs, the sigmoid family): first
# those that mean nothing else, then the classes', last train's and test's
SERIES = [INK, "#CC79A7", "#56B4E9", "#8C6D31", *CLASS_COLORS[::-1], TRAIN, TEST]
PALETTE = {INK, MUTED, OTHER, GRID, ON_DARK, TRAIN, TEST, MODEL, TRUTH, *CLASS_COLORS, NOW,
           NEGATIVE, ZERO, POSITIVE, *SERIES}
SCHEMES = {LOSS_SCHEME, COUNT_SCHEME}
SPLIT_COLORS = {"domain": ["train", "test"], "range": [TRAIN, TEST]}
# What the legends and labels call the splits, the twins and the points on a surface; the
# data keep the English keys, the chart shows these, translated where it is drawn
SPLIT_NAMES = {"train": N_("train"), "test": N_("test")}
IMPL_NAMES = {"manual": N_("manual"), "nn": "nn"}
POINT_NAMES = {"now": N_("now"), "best fit": N_("best fit")}
LOSS = N_("loss")
EPOCH = N_("epoch")

# Tick labels of huge or tiny values in e-notation ("-2.2e+33", not "−2,200,000,00…" cut
# off); ordinary ones as Vega-Lite writes them (a "format" would set every tick's precision).
SHORT_LABEL = ("abs(datum.value) >= 1e5 || (datum.value != 0 && abs(datum.value) < 1e-4)"
               " ? format(datum.value, '.2~e') : datum.label")
TITLE_SIZE = 19
# Tick labels, legends and numbers written in a chart, in px: what a back row of a hall
# reads on a 1280 × 720 projector. Text beside a chart (a table) reads alike at this size.
LABEL_SIZE = 16
# Streamlit's theme letters axes and legends in light grey, the first thing a back row loses
LETTERS = {"labelColor": INK, "titleColor": INK}
CONFIG = {
    # No ARIA attributes on every SVG mark: the browser's biggest cost at each live redraw
    "aria": False,
    "axis": {"labelFontSize": LABEL_SIZE, "titleFontSize": 17, "grid": True, "gridColor": GRID,
             "labelExpr": SHORT_LABEL, **LETTERS},
    "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE, "orient": "bottom",
               **LETTERS},
    "title": {"fontSize": TITLE_SIZE, "anchor": "start", "color": INK},
    "text": {"color": INK},
    # what a mark or a category without a colour of its own gets: still the palette's
    "mark": {"color": INK},
    "range": {"category": SERIES},
}
# Bold Source Sans averages 0.43-0.48 em a character (measured in Chromium on the titles
# here); 0.5 leaves room.
CHAR_EM = 0.5
# The width a title has, in a Vega expression: the plot's (Vega cuts a title there, even
# with the y axis's room beside it).
ROOM = "width"
HEAT_OVERLAP = 1.05  # heat-map cells a hair wider than their step: no seams on a canvas


def chart(box, spec):
    """Draw a Vega-Lite spec into a placeholder; redrawn, it updates in place."""
    box.vega_lite_chart(spec=spec, width="stretch")


def show_gap(box, run):
    """Both twins in lockstep: how far apart they are, in any parameter and any loss."""
    if run.max_param_gap is not None:
        box.caption(_("manual vs torch.nn, largest gap so far: {param_gap} in any parameter, "
                      "{loss_gap} in any loss (float rounding).").format(
                          param_gap=f"{run.max_param_gap:.2g}",
                          loss_gap=f"{run.max_loss_gap:.2g}"))


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
            "config": lettering(title)}


def lettering(title, size=TITLE_SIZE, **changes):
    """CONFIG for a chart titled `title` (with `changes` to its parts merged in): its
    title breaks into lines where the chart is too narrow for it on one."""
    config = {**CONFIG, "title": {**CONFIG["title"], "fontSize": size,
                                  "lineBreak": {"expr": title_breaks(title, size)}}}
    for part, settings in changes.items():
        config[part] = {**config.get(part, {}), **settings}
    return config


# A page's few titles, at every redraw. Keyed on the title as shown, already translated:
# an English session and a Chinese one never share an entry.
@functools.lru_cache(maxsize=256)
def title_breaks(title, size=TITLE_SIZE, most=4):
    """A Vega expression for where the title breaks, from the plot's width: nowhere while
    one line fits, else at the spaces of the most even wrap into 2, 3, ... `most` lines.

    The title stays one string (the spec stays the same at every width: only the browser
    knows the width); a regexp that matches those spaces by their place splits it.
    A title in Chinese (wide characters) has few spaces: see _wide_breaks.
    """
    if any(_wide(c) for c in title):
        return _wide_breaks(title, size, most)
    choices = {}  # lines → (longest line, where it breaks)
    for chars in range(1, len(title) + 1):
        lines = textwrap.wrap(title, chars, break_long_words=False)
        if len(lines) <= most and " ".join(lines) == title and len(lines) not in choices:
            at = [sum(len(line) + 1 for line in lines[:i + 1]) - 1 for i in range(len(lines) - 1)]
            choices[len(lines)] = (max(map(len, lines)), at)
    px = CHAR_EM * size
    expr = ""
    for n in sorted(choices, reverse=True):  # the narrowest first: built from the inside
        longest, at = choices[n]
        pattern = "|".join(f"(?<=^.{{{_js_len(title[:i])}}}) " for i in at)
        broken = f"regexp('{pattern}')" if at else "''"
        expr = broken if not expr else f"{ROOM} >= {math.ceil(longest * px)} ? {broken} : {expr}"
    return expr or "''"


# Chinese text breaks between any two characters, but a line does not start with a closing
# mark nor end with an opening one
NO_START = set("，。；：、）！？」』”’》…,.;:)!?%")
NO_END = set("（「『“‘《([")


def _wide(char):
    return unicodedata.east_asian_width(char) in ("W", "F")


def _wide_breaks(title, size, most):
    """title_breaks for a title with wide (CJK) characters, a full em each: it breaks at a
    space (dropped) or, with no space, beside a wide character, into lines of the least
    width for each count of lines."""
    ems = [1.0 if _wide(c) else CHAR_EM for c in title]
    places = [i for i in range(1, len(title)) if title[i] == " " or (
        (_wide(title[i - 1]) or _wide(title[i])) and title[i - 1] != " "
        and title[i] not in NO_START and title[i - 1] not in NO_END)]

    def width(start, end):  # the line title[start:end], without a space at either end
        while start < end and title[start] == " ":
            start += 1
        while end > start and title[end - 1] == " ":
            end -= 1
        return sum(ems[start:end])

    # best[n][i]: (longest line, breaks) of title[:i] in n lines, i = 0 or a break place
    ends = [0, *places]
    best = {1: {i: (width(0, i), []) for i in ends if i}}
    choices = {1: (width(0, len(title)), [])}
    for n in range(2, most + 1):
        best[n] = {}
        for i in [*places, len(title)]:
            options = [(max(best[n - 1][j][0], width(j, i)), best[n - 1][j][1] + [j])
                       for j in places if j < i and j in best[n - 1]]
            if options:
                best[n][i] = min(options)
        if len(title) in best[n] and best[n][len(title)][0] < choices[n - 1][0]:
            choices[n] = best[n][len(title)]
        else:
            break
    expr = ""
    for n in sorted(choices, reverse=True):  # the narrowest first: built from the inside
        longest, at = choices[n]
        pattern = "|".join(f"(?<=^.{{{_js_len(title[:i])}}})" + (" " if title[i] == " " else "")
                           for i in at)
        broken = f"regexp('{pattern}')" if at else "''"
        expr = broken if not expr else (f"{ROOM} >= {math.ceil(longest * size)} ? {broken} : "
                                        f"{expr}")
    return expr or "''"


def _js_len(text):
    """Length as JavaScript counts it (UTF-16 code units): a regexp's "." does too."""
    return len(text.encode("utf-16-le")) // 2


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
    rows, names = [], {split: _(name) for split, name in SPLIT_NAMES.items()}
    impls = {impl: _(name) for impl, name in IMPL_NAMES.items()}
    for impl in history.rows:
        epochs, cols = history.series(impl)
        keep = drawn(len(epochs))
        for split in ("train", "test"):
            values = cols[f"{split}_{column}"]
            for i in keep:
                if values[i] is not None and math.isfinite(values[i]):  # JSON has no inf
                    rows.append((epochs[i], values[i], names[split], impls.get(impl, impl)))
    data = pd.DataFrame(rows, columns=["epoch", "value", "split", "implementation"])
    splits = [s for s in SPLIT_COLORS["domain"] if names[s] in set(data["split"])] or ["train"]
    colors = {"domain": [names[s] for s in splits],
              "range": SPLIT_COLORS["range"][:len(splits)]}
    encoding = {
        "x": epoch_axis(),
        "y": {"field": "value", "type": "quantitative", "scale": _value_scale(data["value"])},
        "color": {"field": "split", "type": "nominal", "scale": colors, "title": None},
    }
    if len(history.rows) > 1:  # both twins: solid manual, dashed nn
        encoding["strokeDash"] = {"field": "implementation", "type": "nominal", "title": None,
                                  "scale": {"domain": [impls["manual"], impls["nn"]],
                                            "range": [SOLID, DASHED]}}
    line = {"data": {"name": "curves"},
            "mark": {"type": "line", "strokeWidth": 3, "point": len(history) < 30},
            "encoding": encoding}
    return spec(title, [line], {"curves": data}, _(EPOCH), y_title)


def _value_scale(values):
    """Fit the values, not zero; a flat curve (a saturated run) gets a little room around it,
    or Vega-Lite labels its one-point axis with a run of zeros ("50.000000")."""
    if len(values) and values.max() - values.min() <= 1e-9 * max(1.0, abs(values.max())):
        pad = max(abs(values.max()) * 0.05, 0.05)
        return {"zero": False, "domain": [float(values.min() - pad), float(values.max() + pad)]}
    return {"zero": False}


def loss_surface(ws, bs, losses, path, title, loss_title=None, color_scale="log",
                 best=None):
    """The loss over (w, b) as a heat map (darker is lower, on every page), with the path
    of the updates, where it is now and, if known, the best fit.

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
    # "now" is labelled right of its dot and "best fit" left of its cross, each turned
    # inward in the outer fifth of the grid: a label never hangs off the edge
    lo, hi = ws[0].item(), ws[-1].item()
    loss_title = _(LOSS) if loss_title is None else loss_title  # a caller's, translated there
    ends = [(*path[-1][1:], "now")] + ([(*best, "best fit")] if best else [])
    ends = [(w, b, point, "left" if w > hi - (hi - lo) / 5 else
             "right" if w < lo + (hi - lo) / 5 else "right" if point == "now" else "left",
             _(POINT_NAMES[point]))
            for w, b, point in ends]
    datasets = {"cells": cells, "road": road,
                "ends": pd.DataFrame(ends, columns=["w", "b", "point", "side", "label"])}
    tight = {"zero": False, "nice": False}
    at = {"x": {"field": "w", "type": "quantitative"},
          "y": {"field": "b", "type": "quantitative"}}
    layers = [
        {"data": {"name": "cells"}, "mark": "rect",
         "encoding": {"x": {**at["x"], "scale": tight}, "x2": {"field": "w2"},
                      "y": {**at["y"], "scale": tight}, "y2": {"field": "b2"},
                      "color": {"field": "loss", "type": "quantitative",
                                "title": loss_title.split(" ", 1),
                                "scale": {"type": color_scale, "scheme": LOSS_SCHEME}},
                      "tooltip": [{"field": "loss", "title": loss_title, "format": ".4~g"}]}},
        {"data": {"name": "road"},
         "mark": {"type": "line", "color": ON_DARK, "strokeWidth": 3,
                  "point": {"color": ON_DARK, "size": 20}},
         "encoding": {**at, "order": {"field": "update", "type": "quantitative"}}},
        {"data": {"name": "ends"},
         "mark": {"type": "point", "size": 360, "filled": True, "opacity": 1,
                  "strokeWidth": 2},
         "encoding": {**at, **{channel: {"field": "point", "type": "nominal", "legend": None,
                                         "scale": {"domain": ["now", "best fit"],
                                                   "range": marks}}
                               for channel, marks in (("shape", ["circle", "cross"]),
                                                      ("fill", [NOW, ON_DARK]),
                                                      ("stroke", [ON_DARK, INK]))}}},
        *(_end_label(point, side, at) for point in ("now", "best fit")
          for side in ("left", "right")),
    ]
    surface = heat_map(spec(title, layers, datasets, "w", "b"))
    # the colour bar beside the map, under a title in two lines: a wide map keeps its
    # height, and a narrow one gives the bar no more width than it needs
    surface["config"] = {**surface["config"], "legend": {
        **surface["config"]["legend"], "orient": "right", "gradientThickness": 14}}
    return drawable(surface)


def _end_label(point, side, at):
    """"now" above its dot, "best fit" below its cross (never on each other), to the side
    of it that `side` says."""
    dx, dy = (14 if side == "right" else -14), (-14 if point == "now" else 18)
    return {"data": {"name": "ends"},
            "transform": [{"filter": f"datum.point == '{point}' && datum.side == '{side}'"}],
            "mark": {"type": "text", "align": "left" if side == "right" else "right",
                     "dx": dx, "dy": dy, "fontSize": 17, "fontWeight": "bold",
                     "color": ON_DARK},
            "encoding": {**at, "text": {"field": "label"}}}
