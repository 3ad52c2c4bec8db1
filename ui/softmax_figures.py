"""Pictures for the softmax page: weights and examples as images, the confusion matrix, bars.

Images are small uint8 arrays, upscaled by whole pixels (crisp on a projector)
and sent to st.image as PNG, encoded once per distinct picture (`png`). Charts are Vega-Lite with a constant spec, so a redraw only
swaps their named datasets and they update in place.
"""
import io
from functools import lru_cache

import numpy as np
import pandas as pd
from PIL import Image

from lab.i18n import _
from ui.charts import (COUNT_SCHEME, INK, MUTED, NEGATIVE, ON_DARK, OTHER, POSITIVE, TRUTH,
                       ZERO, lettering)
from ui.text import short_labels

IMAGE_PX = 112  # an example's size in pixels, about: 8×8 → ×14, 28×28 → ×4, 32×32 → ×3
WEIGHT_PX = 224  # a class's weights, drawn larger: 8×8 → ×28, 28×28 → ×8, 32×32 → ×7
SATURATE = 0.99  # weights beyond this quantile of |w| get the full colour
DARK_COUNT = 2 / 3  # of the largest count: from here on white digits read better than ink


def _rgb(color):
    """(r, g, b) of "#rrggbb"."""
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


# The palette's weight colours (ui.charts), as the images need them: blue, white, red
NEGATIVE_RGB, ZERO_RGB, POSITIVE_RGB = _rgb(NEGATIVE), _rgb(ZERO), _rgb(POSITIVE)


def _upscale(image, size=IMAGE_PX):
    """Each pixel repeated into a block, so the image is about `size` pixels wide;
    `size` None: left as it is."""
    if size is None:
        return image
    factor = max(1, size // max(image.shape[:2]))
    return image.repeat(factor, axis=0).repeat(factor, axis=1)


def png(picture, size=IMAGE_PX):
    """A small uint8 picture (H, W) or (H, W, 3), upscaled to about `size` pixels, as PNG
    bytes for st.image(..., output_format="PNG"). PNG is lossless, so the blocks keep sharp
    edges (st.image sends an array as JPEG, which smears them); and each distinct picture is
    encoded once (measured: 22 pictures were ~6 ms of a 31 ms redraw of the digits page,
    which shows the same examples again on every rerun)."""
    return _png(picture.shape, picture.tobytes(), size)


@lru_cache(maxsize=512)  # keys are small pictures: 32×32×3 = 3 KB at most
def _png(shape, raw, size):
    buffer = io.BytesIO()
    picture = _upscale(np.frombuffer(raw, dtype=np.uint8).reshape(shape), size)
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def diverging(values, limit):
    """RGB uint8 for values in [−limit, limit]: blue below 0, white at 0, red above."""
    t = np.clip(values / limit, -1, 1)[..., None] if limit > 0 else np.zeros((*values.shape, 1))
    zero, neg, pos = (np.array(c, dtype=float) for c in (ZERO_RGB, NEGATIVE_RGB, POSITIVE_RGB))
    rgb = np.where(t < 0, zero + (neg - zero) * -t, zero + (pos - zero) * t)
    return rgb.round().astype(np.uint8)


def weight_images(W, image_shape, size=IMAGE_PX):
    """One picture per class from its row of weights, all on one shared scale.

    Grey images: blue where a bright pixel lowers the class's score, red where it
    raises it. Colour images: each channel's weights around mid-grey (0), so the
    picture is the colour pattern the class looks for. The largest 1% of |w|
    get the full colour.
    """
    C, H, Wd = image_shape
    w = W.detach().cpu().numpy().reshape(-1, C, H, Wd)    # (k, C, H, W)
    magnitude = np.abs(w)  # a few outliers must not wash the rest out; all but one 0: the max
    limit = float(np.quantile(magnitude, SATURATE)) or float(magnitude.max())
    if C == 1:
        pictures = [diverging(row[0], limit) for row in w]
    else:
        half = 0.5 + 0.5 * w / limit if limit > 0 else np.full_like(w, 0.5)
        pictures = [(row.transpose(1, 2, 0) * 255).round().astype(np.uint8) for row in half]
    return [_upscale(p, size) for p in pictures]


def example_image(x, image_shape, size=IMAGE_PX):
    """One example (a row of features) as a grey or RGB uint8 picture."""
    C, H, Wd = image_shape
    a = x.detach().cpu().float().numpy().reshape(C, H, Wd).transpose(1, 2, 0)  # (H, W, C)
    lo, hi = float(a.min()), float(a.max())
    if lo < 0 or hi > 1:  # standardized features: stretch to [0, 1] to draw them
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    picture = (a * 255).round().astype(np.uint8)
    return _upscale(picture[..., 0] if C == 1 else picture, size)


def _angle(names):
    """Axis labels upright when they are short (digits), slanted when they are words."""
    return 0 if max(len(n) for n in names) <= 2 else -40


def confusion(matrix, class_names, title):
    """The confusion matrix as coloured cells with their counts (rows true, columns predicted).

    Darker is more; a zero stays white, so every mistake shows as a tinted cell. Counts
    are written large, white on the dark cells and ink on the light ones.
    """
    m, class_names = matrix.tolist(), short_labels(class_names)
    k, top = len(class_names), max(max(row) for row in m)
    cells = pd.DataFrame([(class_names[i], class_names[j], m[i][j], m[i][j] >= DARK_COUNT * top)
                          for i in range(k) for j in range(k)],
                         columns=["true", "predicted", "count", "dark"])
    x = {"field": "predicted", "type": "ordinal", "sort": list(class_names),
         "title": _("predicted class"),
         "axis": {"labelAngle": _angle(class_names), "orient": "top", "labelOverlap": False,
                  "labelLimit": 0}}  # names come cut to LABEL_CHARS, told apart
    y = {"field": "true", "type": "ordinal", "sort": list(class_names),
         "title": _("true class"), "axis": {"labelOverlap": False, "labelLimit": 0}}
    layers = [
        {"mark": {"type": "rect", "stroke": OTHER, "strokeWidth": 0.5},
         "encoding": {"x": x, "y": y, "color": {
             "condition": {"test": "datum.count == 0", "value": ON_DARK},
             "field": "count", "type": "quantitative", "legend": None,
             # from 0, so a cell's shade is its count's share of the largest
             "scale": {"scheme": COUNT_SCHEME, "zero": True}}}},
        {"mark": {"type": "text"},
         "encoding": {"x": x, "y": y, "text": {"field": "count", "type": "quantitative"},
                      "size": _count_size(),
                      "color": {"condition": [{"test": "datum.dark", "value": ON_DARK},
                                              {"test": "datum.count == 0", "value": MUTED}],
                                "value": INK}}},
    ]
    return {"title": title, "height": {"step": 36}, "data": {"name": "cells"}, "layer": layers,
            "datasets": {"cells": cells}, "config": lettering(title)}


def _count_size(sizes=(17, 13, 11)):
    """The counts' font size: as large as the cell has room for (MNIST's 1 135 in a
    narrow column gets less), worked out by the browser, which knows the cell's width."""
    def fits(size):  # a digit is about 0.56 em wide, and a little room either side
        return f"bandwidth('x') >= {0.56 * size:.2f} * length(toString(datum.count)) + 4"
    tests = [{"test": f"!({fits(bigger)})", "value": smaller}
             for bigger, smaller in reversed(list(zip(sizes, sizes[1:])))]
    return {"condition": tests, "value": sizes[0]}


def probability_bars(probs, y, class_names, title):
    """softmax(z) of one example as a bar per class (names stay level); the true class in ink."""
    class_names = short_labels(class_names)
    truth = class_names[y]
    bars = pd.DataFrame({"class": list(class_names), "p": probs.tolist(),
                         "which": ["true class" if c == truth else "other"
                                   for c in class_names]})
    y_axis = {"field": "class", "type": "ordinal", "sort": list(class_names), "title": None,
              "axis": {"labelOverlap": False, "labelLimit": 0}}
    p = {"field": "p", "type": "quantitative"}
    layers = [
        {"mark": {"type": "bar"},
         "encoding": {"y": y_axis, "x": {**p, "title": "p", "scale": {"domain": [0, 1]},
                                         "axis": {"tickCount": 2}},
                      "color": {"field": "which", "type": "nominal", "legend": None,
                                "scale": {"domain": ["true class", "other"],
                                          "range": [TRUTH, OTHER]}}}},
        {"transform": [{"filter": "datum.p >= 0.01"}],
         "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 15, "color": INK},
         "encoding": {"y": y_axis, "x": p, "text": {**p, "format": ".2f"}}},
    ]
    config = lettering(title, size=17, axis={"labelFontSize": 15, "titleFontSize": 15})
    return {"title": title, "height": {"step": 22}, "data": {"name": "bars"},
            "layer": layers, "datasets": {"bars": bars}, "config": config}


def weights_heatmap(W, feature_names, class_names):
    """Weights of tabular data: one row per class, one column per feature, value written in,
    in the colours of the weight images: blue below 0, white at 0, red above."""
    w = W.detach().cpu().tolist()
    class_names, feature_names = short_labels(class_names), short_labels(feature_names)
    top = max(abs(v) for row in w for v in row)
    cells = pd.DataFrame([(c, f, w[i][j], abs(w[i][j]) > 0.7 * top)
                          for i, c in enumerate(class_names) for j, f in enumerate(feature_names)],
                         columns=["class", "feature", "weight", "dark"])
    x = {"field": "feature", "type": "ordinal", "sort": list(feature_names), "title": None,
         "axis": {"labelAngle": 0, "orient": "top"}}
    y = {"field": "class", "type": "ordinal", "sort": list(class_names), "title": None,
         "axis": {"labelLimit": 0}}
    layers = [
        {"mark": {"type": "rect", "stroke": ON_DARK},
         "encoding": {"x": x, "y": y, "color": {
             "field": "weight", "type": "quantitative", "title": "w",
             "scale": {"range": [NEGATIVE, ZERO, POSITIVE], "domainMid": 0}}}},
        {"mark": {"type": "text", "fontSize": 16},
         "encoding": {"x": x, "y": y, "text": {"field": "weight", "type": "quantitative",
                                               "format": ".2f"},
                      "color": {"condition": {"test": "datum.dark", "value": ON_DARK},
                                "value": INK}}},
    ]
    title = _("Weights: a row per class, a column per feature")
    return {"title": title, "height": 220, "data": {"name": "cells"}, "layer": layers,
            "datasets": {"cells": cells}, "config": lettering(title, legend={"orient": "right"})}
