"""One colour language (ui.charts): every chart the pages build takes its colours from the
one palette; the model and the truth differ in colour and dash; a low loss looks the same
on every page; a title breaks into lines instead of being cut."""
import json
import re

import pytest
import torch

from lab.history import History
from lab.instruments import explain
from lab.models import sigmoids
from lab.train import EpochEnd, Metrics
from tests.test_live_charts import specs_after
from ui import charts, linear_figures, logistic_figures, loss_figures, runs
from ui import softmax_figures as sf

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
NAMED = {"white": "#ffffff", "black": "#000000", "gray": "#808080", "grey": "#808080",
         "red": "#ff0000", "green": "#008000", "blue": "#0000ff", "orange": "#ffa500",
         "purple": "#800080", "yellow": "#ffff00", "steelblue": "#4682b4",
         "lightgray": "#d3d3d3", "lightgrey": "#d3d3d3", "darkgray": "#a9a9a9"}
COLOUR_CHANNELS = ("color", "fill", "stroke")


def normal(colour):
    colour = NAMED.get(colour.lower(), colour.lower())
    if len(colour) == 4:  # #abc → #aabbcc
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour


PALETTE = {normal(c) for c in charts.PALETTE}


def colours(node, found=None):
    """Every colour written anywhere in a spec or figure (its data left out), and every
    colour scheme, as {"colours": {...}, "schemes": {...}}."""
    found = found if found is not None else {"colours": set(), "schemes": set()}
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("datasets", "values"):
                continue
            if key == "scheme":
                found["schemes"].add(value)
            else:
                colours(value, found)
    elif isinstance(node, list):
        for item in node:
            colours(item, found)
    elif isinstance(node, str) and (HEX.match(node) or node.lower() in NAMED
                                    or node.startswith(("rgb(", "rgba(", "hsl("))):
        found["colours"].add(normal(node))
    return found


def unscaled_colour_channels(spec):
    """Colour channels that map a field to colours but leave the colours to the theme."""
    left = []
    for layer in spec.get("layer", [spec]):
        for channel in COLOUR_CHANNELS:
            enc = layer.get("encoding", {}).get(channel)
            if enc and "field" in enc and not {"range", "scheme"} & set(enc.get("scale", {})):
                left.append((spec["title"], channel, enc["field"]))
    return left


def assert_in_palette(spec):
    found = colours(spec)
    assert found["colours"] <= PALETTE, (spec.get("title"), found["colours"] - PALETTE)
    assert found["schemes"] <= charts.SCHEMES, (spec.get("title"), found["schemes"])
    assert not unscaled_colour_channels(spec)
    config = spec["config"]  # what a mark or a category without its own colour gets
    assert normal(config["mark"]["color"]) in PALETTE
    assert {normal(c) for c in config["range"]["category"]} <= PALETTE


# -- every figure function, called directly ------------------------------------------

def history(impls=("manual",), test=True):
    h = History()
    for epoch in range(1, 4):
        metrics = Metrics(1 / epoch, 0.5, 1.1 / epoch if test else None, 0.5 if test else None)
        h.append(EpochEnd(epoch, {impl: metrics for impl in impls}, None, None))
    return h


class Line:
    """Enough of a model for the figures: weights, bias, logits and probabilities."""

    def __init__(self, w, b):
        self.w, self.b = torch.tensor(w), torch.tensor([b])

    def params(self):
        return {"weight": self.w.reshape(1, -1), "bias": self.b}

    def logits(self, X):
        return X @ self.w + self.b

    def forward(self, X):
        return torch.sigmoid(self.logits(X))


class Record:
    def __init__(self, number, run_history):
        self.label, self.run = f"#{number} run", type("Run", (), {})()
        self.run.models, self.run.history = {"manual": None}, run_history


def figure_specs():
    X1, X2 = torch.tensor([[1.0], [2.0], [3.0]]), torch.rand(20, 2)
    y = torch.tensor([0.0, 0.0, 1.0])
    y2 = (X2[:, 0] > X2[:, 1]).float()
    ws, bs = torch.linspace(-2, 2, 5), torch.linspace(-1, 1, 3)
    losses = ws[None, :] ** 2 + bs[:, None] ** 2 + 1
    path = [(0, -2.0, 1.0), (1, 0.5, 0.0)]
    curves = charts.curves(history(("manual", "nn")), "loss", "Loss", "BCE")
    yield curves
    yield charts.curves(history(test=False), "acc", "Accuracy", "accuracy")
    yield charts.loss_surface(ws, bs, losses, path, "BCE surface", color_scale="log")
    yield charts.loss_surface(ws, bs, losses, path, "MSE surface", color_scale="sqrt",
                              best=(0.0, 0.0))
    yield logistic_figures.sigmoid_1d(Line([1.0], -2.0), X1, y, "hours")
    yield logistic_figures.sigmoid_z(Line([1.0, -1.0], 0.0), X2, y2)
    yield logistic_figures.decision_boundary(Line([1.0, -1.0], 0.0), X2, y2, ["x1", "x2"],
                                             {"weight": [[2.0, -2.0]], "bias": [0.1]})
    yield logistic_figures.profile([0.0, 0.5, 1.0], [0.7, 0.5, 0.4], "Profile")
    yield linear_figures.fit_line(2.0, 0.0, X1, torch.tensor([2.0, 4.0, 6.0]), 4.0)
    yield linear_figures.loss_over_w(ws, ws ** 2, ([0, 1], ws[:2], ws[:2] ** 2), (0.0, 0.0),
                                     "loss")
    yield linear_figures.log_loss_axis(charts.curves(history(), "loss", "Loss", "MSE"))
    names = [str(d) for d in range(10)]
    yield sf.confusion(torch.eye(10, dtype=torch.int64) * 5 + 1, names, "Confusion")
    yield sf.probability_bars(torch.full((10,), 0.1), 3, names, "softmax(z)")
    yield sf.weights_heatmap(torch.randn(3, 4), ["a", "b", "c", "d"], ["p", "q", "r"])
    yield runs.overlay_spec([Record(1, history()), Record(2, history(test=False))])


@pytest.mark.parametrize("spec", list(figure_specs()), ids=lambda s: s["title"])
def test_every_figure_takes_its_colours_from_the_palette(spec):
    assert_in_palette(json.loads(json.dumps(spec, default=str)))


def test_the_plotly_figures_take_their_colours_from_the_palette():
    figures = [loss_figures.bce_curves_figure(*explain.bce_curves(),
                                              [(1, 1, 0.2, 1.6), (2, 0, 0.3, 0.36)]),
               loss_figures.sigmoids_figure(*sigmoids.sigmoid_curves()),
               loss_figures.mse_vs_bce_figure(
                   explain.mse_vs_bce_gradients(torch.linspace(-10, 10, 41)), z_mark=-3.0)]
    for fig in figures:
        figure = fig.to_plotly_json()
        del figure["layout"]["template"]  # plotly's default, which Streamlit replaces by its own
        found = colours(figure)
        assert found["colours"] <= PALETTE, found["colours"] - PALETTE
        for trace in fig.data:  # none left to the theme's colours
            assert trace.line.color or trace.marker.color, trace.name


def test_class_colours_are_the_same_on_the_logistic_and_losses_pages():
    assert loss_figures.COLORS == {0: charts.CLASS_COLORS[0], 1: charts.CLASS_COLORS[1]}
    points = logistic_figures._points_layer()["encoding"]["color"]["scale"]
    assert points == {"domain": ["y = 0", "y = 1"], "range": charts.CLASS_COLORS}


def test_the_weight_images_and_the_weight_heat_map_share_their_colours():
    rgb = sf.diverging(torch.tensor([-1.0, 0.0, 1.0]).numpy(), limit=1.0).tolist()
    assert ["#%02x%02x%02x" % tuple(c) for c in rgb] == [
        normal(c) for c in (charts.NEGATIVE, charts.ZERO, charts.POSITIVE)]
    heat = sf.weights_heatmap(torch.randn(2, 2), ["a", "b"], ["p", "q"])
    assert heat["layer"][0]["encoding"]["color"]["scale"]["range"] == [
        charts.NEGATIVE, charts.ZERO, charts.POSITIVE]


def test_the_model_and_the_truth_differ_in_colour_and_in_dash():
    assert normal(charts.MODEL) != normal(charts.TRUTH)
    assert charts.MODEL_DASH != charts.TRUTH_DASH
    X = torch.rand(20, 2)
    spec = logistic_figures.decision_boundary(Line([1.0, -1.0], 0.0), X, X[:, 0] > 0.5,
                                              ["x1", "x2"], {"weight": [[2.0, -2.0]],
                                                             "bias": [0.1]})
    lines = next(layer for layer in spec["layer"] if layer["data"]["name"] == "lines")
    by = {channel: dict(zip(lines["encoding"][channel]["scale"]["domain"],
                            map(str, lines["encoding"][channel]["scale"]["range"])))
          for channel in ("color", "strokeDash")}
    for channel, of in by.items():
        assert of["model"] != of["true"], channel
    assert by["color"]["model"] == charts.MODEL and by["color"]["true"] == charts.TRUTH
    # the points' class colours and the lines' colours are separate scales
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_confusion_zeros_are_white_cells_with_readable_digits():
    spec = sf.confusion(torch.tensor([[5, 0], [1, 4]]), ["a", "b"], "Confusion")
    fill = spec["layer"][0]["encoding"]["color"]
    assert fill["condition"] == {"test": "datum.count == 0", "value": charts.ON_DARK}
    digits = spec["layer"][1]["encoding"]["color"]["condition"]
    zero = next(c["value"] for c in digits if c["test"] == "datum.count == 0")
    assert zero == charts.MUTED  # grey, not the pale #b0b0b0 a back row cannot see
    assert spec["layer"][1]["encoding"]["size"]["value"] >= 16  # where the cell has room
    dark = spec["datasets"]["cells"].set_index(["true", "predicted"])["dark"]
    assert dark[("a", "a")] and dark[("b", "b")] and not dark[("b", "a")]


def test_axis_and_legend_letters_are_ink_and_large():
    for part in ("axis", "legend"):
        assert charts.CONFIG[part]["labelColor"] == charts.INK
        assert charts.CONFIG[part]["titleColor"] == charts.INK
        assert charts.CONFIG[part]["labelFontSize"] >= 16


# -- titles: broken into lines where the chart is narrow, never cut --------------------

TITLES = ["Loss (mean BCE per example)", "Loss over (w, b) and the road of gradient descent",
          "Mean BCE over (w, b) on the training set, and the path", "Decision boundary",
          "Accuracy (the most probable class)", "ŷ(4) and σ(z) with “quotes”"]


def wraps(title):
    """[(least plot width, lines)] that the title's lineBreak expression chooses between."""
    expr = charts.title_breaks(title)
    options = re.findall(re.escape(charts.ROOM) + r" >= (\d+) \? (regexp\('[^']*'\)|'')", expr)
    options.append((0, expr.rsplit(" : ", 1)[-1]))
    found = []
    for width, breaks in options:
        pattern = re.fullmatch(r"regexp\('(.*)'\)", breaks)
        lines = re.split(pattern.group(1), title) if pattern else [title]
        found.append((int(width), lines))
    return found


@pytest.mark.parametrize("title", TITLES)
def test_a_title_breaks_at_spaces_into_lines_that_fit_the_width(title):
    options = wraps(title)
    assert options[0][1] == [title]  # wide enough: one line
    assert [len(lines) for _, lines in options] == sorted(len(lines) for _, lines in options)
    for width, lines in options:
        assert " ".join(lines) == title  # broken at spaces only, nothing lost
        if width:
            assert max(map(len, lines)) * charts.CHAR_EM * charts.TITLE_SIZE <= width


def test_the_title_stays_one_string_and_the_spec_the_same_at_every_width():
    spec = charts.curves(history(), "loss", "Loss (mean BCE per example)", "BCE")
    assert spec["title"] == "Loss (mean BCE per example)"
    assert spec["config"]["title"]["lineBreak"] == {
        "expr": charts.title_breaks("Loss (mean BCE per example)")}


# -- the pages: what they actually draw ----------------------------------------------

PAGES = {  # name → page, settings, epochs
    "logistic hours": ("logistic", {"logistic.dataset": "hours", "logistic.lr": 1.0}, 30),
    "logistic synthetic": ("logistic", {"logistic.dataset": "synthetic"}, 3),
    "linear": ("linear", {}, 30),
    "softmax iris3": ("softmax", {"softmax.dataset": "iris3"}, 3),
}


@pytest.fixture(scope="module")
def drawn():
    """Every Vega-Lite spec each page draws after a short run: {name: {title: spec}}."""
    return {name: specs_after(page, settings, epochs)
            for name, (page, settings, epochs) in PAGES.items()}


def test_every_chart_on_the_training_pages_takes_its_colours_from_the_palette(drawn):
    for name, specs in drawn.items():
        assert len(specs) >= 3, name
        for spec in specs.values():
            assert_in_palette(spec)


def test_a_low_loss_is_the_same_colour_on_the_logistic_and_the_linear_page(drawn):
    def loss_colour(specs):
        surface = next(s for title, s in specs.items() if "(w, b)" in title)
        return {k: v for k, v in surface["layer"][0]["encoding"]["color"]["scale"].items()
                if k != "type"}  # log for BCE, sqrt for a squared error: the same direction

    logistic, linear = loss_colour(drawn["logistic hours"]), loss_colour(drawn["linear"])
    assert logistic == linear == {"scheme": charts.LOSS_SCHEME}  # not reversed on either
    assert charts.LOSS_SCHEME == "viridis"  # dark purple at the lowest loss: darker is lower
