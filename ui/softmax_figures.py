"""Pictures for the softmax page: weights and examples as images, the confusion matrix, bars.

Images are small uint8 arrays, upscaled by whole pixels (crisp on a projector)
for st.image. Charts are Vega-Lite with a constant spec, so a redraw only
swaps their named datasets and they update in place.
"""
import numpy as np
import pandas as pd

from ui.charts import CONFIG
from ui.text import short_labels

IMAGE_PX = 112  # an example's size in pixels, about: 8×8 → ×14, 28×28 → ×4, 32×32 → ×3
WEIGHT_PX = 224  # a class's weights, drawn larger: 8×8 → ×28, 28×28 → ×8, 32×32 → ×7
SATURATE = 0.99  # weights beyond this quantile of |w| get the full colour
NEGATIVE, ZERO, POSITIVE = (33, 102, 172), (247, 247, 247), (178, 24, 43)  # blue, white, red


def _upscale(image, size=IMAGE_PX):
    """Each pixel repeated into a block, so the image is about `size` pixels wide."""
    factor = max(1, size // max(image.shape[:2]))
    return image.repeat(factor, axis=0).repeat(factor, axis=1)


def diverging(values, limit):
    """RGB uint8 for values in [−limit, limit]: blue below 0, white at 0, red above."""
    t = np.clip(values / limit, -1, 1)[..., None] if limit > 0 else np.zeros((*values.shape, 1))
    zero, neg, pos = (np.array(c, dtype=float) for c in (ZERO, NEGATIVE, POSITIVE))
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
    """The confusion matrix as coloured cells with their counts (rows true, columns predicted)."""
    m, class_names = matrix.tolist(), short_labels(class_names)
    k, top = len(class_names), max(max(row) for row in m)
    cells = pd.DataFrame([(class_names[i], class_names[j], m[i][j], m[i][j] > top / 2)
                          for i in range(k) for j in range(k)],
                         columns=["true", "predicted", "count", "dark"])
    x = {"field": "predicted", "type": "ordinal", "sort": list(class_names),
         "title": "predicted class",
         "axis": {"labelAngle": _angle(class_names), "orient": "top", "labelOverlap": False,
                  "labelLimit": 0}}  # names come cut to LABEL_CHARS, told apart
    y = {"field": "true", "type": "ordinal", "sort": list(class_names), "title": "true class",
         "axis": {"labelOverlap": False, "labelLimit": 0}}
    layers = [
        {"mark": {"type": "rect", "stroke": "white"},
         "encoding": {"x": x, "y": y, "color": {"field": "count", "type": "quantitative",
                                                "scale": {"scheme": "blues"}, "legend": None}}},
        {"mark": {"type": "text", "fontSize": 14},
         "encoding": {"x": x, "y": y, "text": {"field": "count", "type": "quantitative"},
                      "color": {"condition": [{"test": "datum.dark", "value": "white"},
                                              {"test": "datum.count == 0", "value": "#b0b0b0"}],
                                "value": "#222"}}},
    ]
    return {"title": title, "height": {"step": 36}, "data": {"name": "cells"}, "layer": layers,
            "datasets": {"cells": cells}, "config": CONFIG}


def probability_bars(probs, y, class_names, title):
    """softmax(z) of one example as a bar per class (names stay level); the true class green."""
    class_names = short_labels(class_names)
    truth = class_names[y]
    bars = pd.DataFrame({"class": list(class_names), "p": probs.tolist(),
                         "which": ["true class" if c == truth else "other"
                                   for c in class_names]})
    y_axis = {"field": "class", "type": "ordinal", "sort": list(class_names), "title": None,
              "axis": {"labelOverlap": False, "labelFontSize": 13, "labelLimit": 0}}
    p = {"field": "p", "type": "quantitative"}
    layers = [
        {"mark": {"type": "bar"},
         "encoding": {"y": y_axis, "x": {**p, "title": "p", "scale": {"domain": [0, 1]},
                                         "axis": {"tickCount": 2}},
                      "color": {"field": "which", "type": "nominal", "legend": None,
                                "scale": {"domain": ["true class", "other"],
                                          "range": ["#2ca02c", "#9e9e9e"]}}}},
        {"transform": [{"filter": "datum.p >= 0.01"}],
         "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 13},
         "encoding": {"y": y_axis, "x": p, "text": {**p, "format": ".2f"}}},
    ]
    config = {**CONFIG, "axis": {**CONFIG["axis"], "labelFontSize": 13, "titleFontSize": 14},
              "title": {"fontSize": 16, "anchor": "start"}}
    return {"title": title, "height": {"step": 20}, "data": {"name": "bars"},
            "layer": layers, "datasets": {"bars": bars}, "config": config}


def weights_heatmap(W, feature_names, class_names):
    """Weights of tabular data: one row per class, one column per feature, value written in."""
    w = W.detach().cpu().tolist()
    class_names, feature_names = short_labels(class_names), short_labels(feature_names)
    top = max(abs(v) for row in w for v in row)
    cells = pd.DataFrame([(c, f, w[i][j], abs(w[i][j]) > 0.6 * top)
                          for i, c in enumerate(class_names) for j, f in enumerate(feature_names)],
                         columns=["class", "feature", "weight", "dark"])
    x = {"field": "feature", "type": "ordinal", "sort": list(feature_names), "title": None,
         "axis": {"labelAngle": 0, "orient": "top"}}
    y = {"field": "class", "type": "ordinal", "sort": list(class_names), "title": None,
         "axis": {"labelLimit": 0}}
    layers = [
        {"mark": {"type": "rect", "stroke": "white"},
         "encoding": {"x": x, "y": y, "color": {
             "field": "weight", "type": "quantitative", "title": "w",
             "scale": {"scheme": "redblue", "reverse": True, "domainMid": 0}}}},
        {"mark": {"type": "text", "fontSize": 16},
         "encoding": {"x": x, "y": y, "text": {"field": "weight", "type": "quantitative",
                                               "format": ".2f"},
                      "color": {"condition": {"test": "datum.dark", "value": "white"},
                                "value": "#222"}}},
    ]
    spec = {"title": "Weights: a row per class, a column per feature", "height": 220,
            "data": {"name": "cells"}, "layer": layers, "datasets": {"cells": cells},
            "config": {**CONFIG, "legend": {**CONFIG["legend"], "orient": "right"}}}
    return spec
