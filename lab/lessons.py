"""Guided lessons (issue 12): predict, then run the real thing, then compare.

A lesson is data. Each of its steps holds a question; how the learner answers it (a
Slider, or a Choice of options, which may be the rows of a table); `run`, the real thing
to do once the learner has committed (a lab.train Run trained to its end, or a PyTorch
call), which returns a Result; `read`, how the answer is read from that Result, in the
form the prediction takes; `close`, how near is near enough; and `why`. No lesson holds
a number of its answer: every answer comes from a run made when the learner asks for it.

Nothing here draws. A Result carries a figure (Fit, Curves, Table or Printed) that
ui.lessons knows how to draw, and a sentence of the run's own numbers (`detail`).
"""
import math
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch.nn import functional as F

from lab.config import RunConfig
from lab.data import load
from lab.instruments import tensors
from lab.instruments.evaluation import confusion_matrix
from lab.instruments.explain import mse_vs_bce_gradients
from lab.numbers import human
from lab.train import Diverged, Run, Step as BatchDone, train

FULL_BATCH = 1 << 20  # larger than any bundled set: the whole training split at once


# -- how a learner answers, and what a run gives back ---------------------------------

@dataclass(frozen=True)
class Slider:
    """A number on a scale: from `lo` to `hi` by `step`, starting at `start`."""

    lo: float
    hi: float
    step: float
    start: float
    unit: str = ""       # shown after the number ("h")
    digits: int = 2      # decimals shown


@dataclass(frozen=True)
class Choice:
    """One of `options`; with a `table`, the options are its rows (pick a row)."""

    options: tuple
    table: dict | None = None  # column → values, one value per option, shown to pick from


@dataclass
class Fit:
    """A fitted curve over the data, with the answer marked on `axis` ("x" or "y")."""

    x: list
    y: list
    data_x: list
    data_y: list
    answer: float
    axis: str
    x_title: str
    y_title: str
    at: float | None = None  # axis "y": the x where the answer is read (a point is drawn)


@dataclass
class Curves:
    """Lines to overlay: name → (xs, ys)."""

    series: dict
    x_title: str
    y_title: str
    log_y: bool = False


@dataclass
class Table:
    """Columns of values, one row per index label."""

    columns: dict
    index: list
    index_name: str = ""


@dataclass
class Printed:
    """Lines of PyTorch and what each printed (a tensor, or PyTorch's own error)."""

    lines: list  # (code, output)


@dataclass
class Result:
    facts: dict          # the run's numbers and labels, by name: what `read` reads
    figure: object       # Fit, Curves, Table or Printed
    detail: str          # the run's own numbers, in a sentence


@dataclass(frozen=True)
class Step:
    question: str
    predict: Slider | Choice
    run: Callable[[], Result]            # the real thing, made when the learner asks
    read: Callable[[Result], object]     # the answer, in the prediction's form
    close: Callable[[object, object], bool]  # (prediction, answer) → near enough?
    why: str


@dataclass(frozen=True)
class Lesson:
    key: str             # short and stable
    experiment: str      # the course's experiments it follows ("C1")
    title: str
    page: str            # the page to explore it further
    intro: str
    steps: tuple = field(default_factory=tuple)


def fact(name):
    """A `read` that takes one fact of the Result."""
    return lambda result: result.facts[name]


def within(tolerance):
    """A `close` for numbers: at most `tolerance` apart."""
    return lambda prediction, answer: abs(prediction - answer) <= tolerance


def picked(prediction, answer):
    """A `close` for choices: the option the run gave (or one of them, on a tie)."""
    return prediction in answer if isinstance(answer, tuple) else prediction == answer


# -- the runs ------------------------------------------------------------------------

def trained(config):
    """A Run of `config` trained for its epochs (or until it diverged)."""
    run = Run(config, load(config.dataset, seed=config.seed, standardize=config.standardize))
    for _ in train(run, config.num_epochs):
        pass
    return run


def fitted_curve(config, axis, x_max, at=None):
    """Train one feature's model, then draw it over 0…x_max: the answer is x = −b/w where
    ŷ crosses ½ (axis "x") or the prediction ŷ(at) (axis "y")."""
    run = trained(config)
    model, (impl, p) = next(iter(run.models.values())), next(iter(run.views.items()))
    w, b = p["weight"].item(), p["bias"].item()
    grid = torch.linspace(0, x_max, 201).reshape(-1, 1)                 # (201, 1)
    with torch.no_grad():
        y = model.forward(grid).reshape(-1)
        y_at = None if at is None else model.forward(torch.tensor([[at]])).item()
    answer = -b / w if axis == "x" else y_at
    d = run.data
    said = (f"x = −b/w = {human(answer)}" if axis == "x"
            else f"ŷ({at:g}) = w·{at:g} + b = {human(answer)}")
    figure = Fit(grid[:, 0].tolist(), y.tolist(), d.X_train[:, 0].tolist(),
                 d.y_train.tolist(), answer, axis, d.feature_names[0],
                 "P(pass)" if axis == "x" else "ŷ", at)
    return Result({"answer": answer, "w": w, "b": b}, figure,
                  f"After {run.epoch} epochs ({impl}): w = {human(w)}, b = {human(b)}, "
                  f"so {said}.")


def lr_race(config, lrs):
    """The same model, seed and data trained at each lr: the train loss per epoch, and
    the lr that ends lowest (a run that diverged ends at infinity)."""
    series, final, notes = {}, {}, []
    for lr in lrs:
        run = trained(config.with_(lr=lr))
        epochs, cols = run.history.series(config.impl)
        name = f"lr {lr:g}"
        series[name] = (epochs, cols["train_loss"])
        final[name] = math.inf if run.diverged else cols["train_loss"][-1]
        notes.append(f"{name}: " + (f"stopped at epoch {run.diverged.epoch}, diverged"
                                    if run.diverged else f"loss {human(final[name])}"))
    best = min(final, key=final.get)
    return Result({"answer": best, "final": final},
                  Curves(series, "epoch", "train loss (log scale)", log_y=True),
                  f"After {config.num_epochs} epochs: " + "; ".join(notes) + ".")


def accuracy_curves(config):
    """Train, then the accuracy per epoch on each split; the answer: the last of `split`."""
    run = trained(config)
    epochs, cols = run.history.series(config.impl)
    series = {f"{split} accuracy": (epochs, cols[f"{split}_acc"])
              for split in ("train", "test") if cols[f"{split}_acc"][-1] is not None}
    m = run.history.latest.metrics[config.impl]
    facts = {"train_acc": m.train_acc, "test_acc": m.test_acc, "run": run}
    said = ", ".join(f"{name} {human(ys[-1])}" for name, (_, ys) in series.items())
    return Result(facts, Curves(series, "epoch", "accuracy"),
                  f"After {run.epoch} epochs: {said}.")


GAPS = ("exactly 0", "below 1e-5: float rounding", "between 1e-5 and 0.01", "above 0.01")


def twins_apart(config):
    """Both twins in lockstep: how far apart their parameters end, as one of GAPS."""
    run = trained(config.with_(impl="both"))
    gap = run.param_gap()
    bucket = GAPS[0] if gap == 0 else GAPS[1] if gap < 1e-5 else GAPS[2] if gap < 0.01 \
        else GAPS[3]
    rows = [(f"{name}[{i}]", m, n) for name in run.views["manual"]
            for i, (m, n) in enumerate(zip(run.views["manual"][name].reshape(-1).tolist(),
                                           run.views["nn"][name].reshape(-1).tolist()))]
    table = Table({"manual": [r[1] for r in rows], "torch.nn": [r[2] for r in rows],
                   "|manual − torch.nn|": [abs(r[1] - r[2]) for r in rows]},
                  [r[0] for r in rows], "parameter")
    return Result({"answer": bucket, "gap": gap}, table,
                  f"After {run.epoch} epochs the largest gap in any parameter is "
                  f"{gap:.3g}.")


SMOOTHER = ("batch 1", "full batch", "the same")


def batch_losses(config, batch_sizes, updates):
    """The loss of each update's own batch for the first `updates` updates at each batch
    size; the smoother curve is the one whose loss rose after fewer updates."""
    series, rises = {}, {}
    for size in batch_sizes:
        run = Run(config.with_(batch_size=size), load(config.dataset, seed=config.seed))
        losses = []
        for event in train(run, updates):  # epochs enough; stops after `updates` batches
            if isinstance(event, BatchDone):
                losses.append(event.losses[config.impl])
                if len(losses) == updates:
                    break
        name = "full batch" if size >= len(run.data.y_train) else f"batch {size}"
        series[name] = (list(range(1, updates + 1)), losses)
        rises[name] = sum(b > a for a, b in zip(losses, losses[1:]))
    (a, ra), (b, rb) = rises.items()
    answer = SMOOTHER[2] if ra == rb else a if ra < rb else b
    return Result({"answer": answer, "rises": rises},
                  Curves(series, "update", "the batch's loss"),
                  "The loss rose after " + " and ".join(
                      f"{n} of {updates - 1} updates with {name}" for name, n in rises.items())
                  + ".")


def confused_with(config, digit):
    """Train softmax regression, then the test split's confusion matrix: which classes
    are most often confused with `digit`, either way (a tuple: there may be a tie)."""
    run = trained(config)
    d, model = run.data, next(iter(run.models.values()))
    with torch.no_grad():
        y_pred = run.family.labels(run.family.logits(model, d.features(d.X_test)))
    counts = confusion_matrix(d.y_test, y_pred, d.num_classes)          # (k, k)
    mixed = counts[digit] + counts[:, digit]                             # (k,) either way
    mixed[digit] = 0
    most = int(mixed.max())
    answer = tuple(d.class_names[i] for i in range(d.num_classes) if most and mixed[i] == most)
    names = d.class_names
    table = Table({n: counts[:, j].tolist() for j, n in enumerate(names)},
                  [f"true {n}" for n in names], "as →")
    said = (f"{' and '.join(answer)}: {most} test images confused either way"
            if answer else "none: no test image was confused with it")
    test_acc = run.history.latest.metrics[config.impl].test_acc
    return Result({"answer": answer, "counts": counts, "test_acc": test_acc}, table,
                  f"After {run.epoch} epochs (test accuracy {human(test_acc)}), most "
                  f"confused with {names[digit]}: {said}.")


SLIDES_Y, SLIDES_Y_HAT = (1.0, 1.0, 0.0, 0.0), (0.2, 0.8, 0.3, 0.7)  # C7: the slides' table


def slides_bce():
    """PyTorch's BCE of each row of the slides' table, and the mini-batch mean."""
    y, y_hat = torch.tensor(SLIDES_Y), torch.tensor(SLIDES_Y_HAT)
    losses = F.binary_cross_entropy(y_hat, y, reduction="none")        # (4,)
    mean = F.binary_cross_entropy(y_hat, y).item()                     # the mini-batch loss
    rows = [f"row {i + 1}" for i in range(len(y))]
    worst = rows[int(losses.argmax())]
    table = Table({"y": list(SLIDES_Y), "ŷ": list(SLIDES_Y_HAT), "BCE": losses.tolist()},
                  rows, "example")
    return Result({"answer": worst, "mean": mean, "losses": losses.tolist()}, table,
                  f"F.binary_cross_entropy gives {', '.join(map(human, losses.tolist()))}; "
                  f"their mean, the mini-batch loss, is {human(mean)}.")


M, N = [[4, 5, 6]], [[1], [2]]  # C8: a (1×3) and a (2×1)
SHAPES = ("1×3", "2×1", "2×3", "an error")
IN_PLACE = ("M becomes the 2×3 answer", "M keeps its 1×3 shape, with new numbers",
            "an error: the answer does not fit in M")


def subtracted(code):
    """PyTorch's answer to one of the notes' three subtractions of N from M (`code`)."""
    outcomes = {o.code: o for o in tensors.subtract_three_ways(torch.tensor(M), torch.tensor(N))}
    o = outcomes[code]
    shape = None if o.error else "×".join(map(str, o.result.shape))
    if o.error:
        in_place = IN_PLACE[2]
    else:
        in_place = IN_PLACE[0] if o.result.shape == (2, 3) else IN_PLACE[1]
    printed = o.error or str(o.result)
    return Result({"shape": shape or SHAPES[3], "in_place": in_place},
                  Printed([("M = torch.tensor([[4, 5, 6]])", str(torch.tensor(M))),
                           ("N = torch.tensor([[1], [2]])", str(torch.tensor(N))),
                           (code, printed)]),
                  f"PyTorch: {code} gives " + (f"a {shape} tensor." if shape else
                                               f"an error ({o.error.split(':')[0]})."))


def no_grad_gradient():
    """dy3/dx at x = 1 for y3 = x² + x³, with x³ under torch.no_grad(), and without."""
    cut, tracked = tensors.grad_y3_no_grad(1.0), tensors.grad_y3(1.0)
    lines = [("y3 = x**2 + x**3  (x**3 under torch.no_grad())", f"x.grad = {cut.grad:g}"),
             ("y3 = x**2 + x**3  (all tracked)", f"x.grad = {tracked.grad:g}"),
             ("y2.grad_fn  (x**3 under no_grad)", str(cut.y2_grad_fn))]
    return Result({"answer": f"{cut.grad:g}", "tracked": tracked.grad}, Printed(lines),
                  f"Autograd: dy3/dx = {cut.grad:g} with x³ untracked, {tracked.grad:g} "
                  f"with it tracked.")


GRADIENT_SIZES = ("MSE's", "BCE's", "about the same")
TRENDS = ("grows", "shrinks toward 0", "stays about the same")


def gradients_at(zs):
    """d loss/dz of MSE and BCE on σ(z) for y = 1, by autograd, at each z."""
    g = mse_vs_bce_gradients(torch.tensor(zs))
    d_mse, d_bce = g["dMSE/dz"], g["dBCE/dz"]
    first = abs(d_mse[0]), abs(d_bce[0])
    larger = GRADIENT_SIZES[2] if max(first) <= 1.1 * min(first) else \
        GRADIENT_SIZES[0] if first[0] > first[1] else GRADIENT_SIZES[1]
    sizes = [abs(v) for v in d_mse]
    trend = TRENDS[1] if all(b < a for a, b in zip(sizes, sizes[1:])) else \
        TRENDS[0] if all(b > a for a, b in zip(sizes, sizes[1:])) else TRENDS[2]
    table = Table({name: g[name] for name in ("ŷ", "MSE", "BCE", "dMSE/dz", "dBCE/dz")},
                  [f"z = {z:g}" for z in zs], "y = 1")
    return Result({"larger": larger, "trend": trend}, table,
                  "Autograd, for y = 1: " + "; ".join(
                      f"at z = {z:g}, dMSE/dz = {m:.3g} and dBCE/dz = {b:.3g}"
                      for z, m, b in zip(zs, d_mse, d_bce)) + ".")


# -- the lessons, in the course's order (as Home lists the pages) ----------------------

C1 = RunConfig(model="logistic", dataset="hours", impl="nn", lr=0.01, batch_size=FULL_BATCH,
               num_epochs=1000, reduction="sum")                      # the slides' settings
C2 = RunConfig(model="logistic", dataset="iris", impl="manual", lr=0.001,
               batch_size=FULL_BATCH, num_epochs=500, init="normal", seed=1)  # as Home's C2
C3 = RunConfig(model="logistic", dataset="synthetic", impl="nn", lr=0.1, batch_size=64,
               num_epochs=5)
C6 = RunConfig(model="linear", dataset="hours-points", impl="manual", lr=0.01, batch_size=1,
               num_epochs=100)                                        # the notes' loop
DIGITS = RunConfig(model="softmax", dataset="digits", impl="nn", lr=0.1, batch_size=32,
                   num_epochs=10)
LRS = (0.001, 0.1, 10.0)
LR_OPTIONS = tuple(f"lr {lr:g}" for lr in LRS)
DIGIT = 8

LESSONS = (
    Lesson("tensors", "C8", "Tensors: broadcasting and no_grad", "views/tensors.py",
           "The course's first exercise: M is 1×3, N is 2×1. Guess what PyTorch does with "
           "them, then let it answer.",
           (Step("M = [[4, 5, 6]] is 1×3 and N = [[1], [2]] is 2×1. What shape is M − N?",
                 Choice(SHAPES), lambda: subtracted("M - N"), fact("shape"), picked,
                 "Broadcasting lines the shapes up from the right; a dimension of size 1 is "
                 "repeated to match the other. M's one row is copied twice, N's one column "
                 "three times: both become 2×3, then they are subtracted element by element."),
            Step("And M.sub_(N), the in-place subtraction: what does it do to M?",
                 Choice(IN_PLACE), lambda: subtracted("M.sub_(N)"), fact("in_place"), picked,
                 "An in-place operation writes its answer into M's own memory. N may still "
                 "be broadcast, but the answer is 2×3 and M has room for 1×3 only, so PyTorch "
                 "refuses: M itself is never broadcast."),
            Step("y3 = x² + x³ at x = 1, but x³ is computed inside torch.no_grad(). "
                 "What is dy3/dx after y3.backward()?",
                 Choice(("0", "2", "3", "5")), no_grad_gradient, fact("answer"), picked,
                 "Under no_grad PyTorch records no graph, so x³ is a constant to autograd: "
                 "only x² is differentiated, 2x. Tracked, the derivative is 2x + 3x²."))),
    Lesson("linear", "C6", "A line through three points", "views/linear.py",
           "The revision of linear regression: x = [1, 2, 3] hours, y = [2, 4, 6] points, "
           "ŷ = w·x + b, the squared error, gradient descent.",
           (Step("The notes' loop: one example per update, lr 0.01, 100 epochs. What will the "
                 "model predict for x = 4 hours?",
                 Slider(0.0, 12.0, 0.1, 6.0, "points", 2),
                 lambda: fitted_curve(C6, "y", 5.0, at=4.0), fact("answer"), within(0.3),
                 "The points lie on y = 2x, so the perfect answer is 2·4. Gradient descent "
                 "approaches it step by step: with lr 0.01, 300 small updates have not yet "
                 "traded the last of b for w, and the line is still a little off at x = 4."),
            Step("Full batch, 100 epochs, the same start: which learning rate ends with the "
                 "lowest loss?",
                 Choice(LR_OPTIONS),
                 lambda: lr_race(C6.with_(impl="nn", batch_size=FULL_BATCH), LRS),
                 fact("answer"), picked,
                 "Too small a step crawls: the loss falls, slowly. A moderate step descends "
                 "the bowl of the squared error. Too large a step overshoots the bottom to a "
                 "higher point on the other side each time, further and further, until the "
                 "numbers blow up and the lab stops the run."))),
    Lesson("hours", "C1", "Hours studied → pass", "views/logistic.py",
           "Lecture 6: x = [1, 2, 3] hours, y = [0, 0, 1] (fail, fail, pass). "
           "ŷ = σ(w·x + b) is the probability of passing.",
           (Step("The slides' model (torch.nn, summed BCE, lr 0.01, 1000 epochs): at how many "
                 "hours will P(pass) cross 0.5?",
                 Slider(0.0, 10.0, 0.1, 5.0, "h", 2),
                 lambda: fitted_curve(C1, "x", 10.0), fact("answer"), within(0.25),
                 "σ(z) = 0.5 where z = w·x + b = 0, at x = −b/w. The last fail is at 2 h and "
                 "the first pass at 3 h; BCE pushes the crossing between them. (The notes "
                 "read ‘above 3 hours’ off their plot: the run says otherwise.)"),
            Step("Full batch, mean BCE, 100 epochs, the same start: which learning rate ends "
                 "with the lowest loss?",
                 Choice(LR_OPTIONS),
                 lambda: lr_race(C1.with_(lr=LRS[0], num_epochs=100, reduction="mean"), LRS),
                 fact("answer"), picked,
                 "Unlike the line's squared error, these three points can be split perfectly, "
                 "so BCE has no bottom to overshoot: it keeps falling as w grows and σ "
                 "sharpens into a step. A tiny step crawls; a larger one goes further down "
                 "the same endless slope. On data that cannot be split, a huge step would "
                 "overshoot instead, or saturate σ at 0 or 1 on the wrong side."))),
    Lesson("iris", "C2", "Iris by hand", "views/logistic.py",
           "The first 100 iris flowers, setosa vs versicolor, 4 measurements; w (1×4) and b "
           "drawn from N(0, 1) and trained by the notes' own loop.",
           (Step("lr 0.001, full batch, 500 epochs, as in the notes: what accuracy on the "
                 "training set?",
                 Slider(0.5, 1.0, 0.01, 0.75, "", 2),
                 lambda: accuracy_curves(C2), fact("train_acc"), within(0.05),
                 "Setosa and versicolor differ clearly in petal size: a straight line in "
                 "4-D splits them, and even a slow learning rate finds it in a few hundred "
                 "epochs."),
            Step("Train the hand-written model and the torch.nn one in lockstep from the same "
                 "start for 100 epochs. How far apart will their parameters end?",
                 Choice(GAPS), lambda: twins_apart(C2.with_(num_epochs=100)),
                 fact("answer"), picked,
                 "Both compute the same formulas, σ, BCE and w ← w − lr·∂L/∂w, in float32; "
                 "only the order of a few additions differs, so they drift by rounding at "
                 "most: the last of float32's 7 digits."))),
    Lesson("synthetic", "C3", "Synthetic 2-D data and the batch size", "views/logistic.py",
           "2000 points in the unit square, labelled by σ(1.9·x1 − 3.1·x2 + 0.6) plus noise; "
           "torch.nn, lr 0.1.",
           (Step("The first 200 updates with one example per batch, and with the whole "
                 "training set per batch: whose loss curve is smoother?",
                 Choice(SMOOTHER), lambda: batch_losses(C3, (1, FULL_BATCH), 200),
                 fact("answer"), picked,
                 "A full batch follows the gradient of the whole loss: every small step goes "
                 "downhill. One example's loss jumps from example to example, and its "
                 "gradient points downhill only on average: SGD's noise."),
            Step("Batch 64 for 5 epochs: what accuracy on the 1000 test points?",
                 Slider(0.5, 1.0, 0.01, 0.75, "", 2), lambda: accuracy_curves(C3),
                 fact("test_acc"), within(0.03),
                 "The labels come from a line, so a line can get nearly all of them right; "
                 "only points close to it, where the noise flips a label, stay wrong."))),
    Lesson("bce", "C7", "The BCE table from the slides", "views/losses.py",
           "Four examples, their labels y and the model's probabilities ŷ; "
           "BCE = −[y·log ŷ + (1 − y)·log(1 − ŷ)].",
           (Step("Which of these four examples costs the most?",
                 Choice(tuple(f"row {i + 1}" for i in range(len(SLIDES_Y))),
                        {"y": list(SLIDES_Y), "ŷ": list(SLIDES_Y_HAT)}),
                 slides_bce, fact("answer"), picked,
                 "BCE is −log of the probability given to the true label. Row 1 is a pass "
                 "(y = 1) given only ŷ, row 4 a fail given 1 − ŷ: the smallest probability "
                 "for the truth costs the most."),
            Step("The mini-batch loss is the mean of the four. What is it?",
                 Slider(0.0, 2.0, 0.01, 1.0, "", 4), slides_bce, fact("mean"), within(0.1),
                 "The mean of the four: nn.BCELoss's default reduction. The slides' "
                 "size_average=False gives the sum instead, four times as large."))),
    Lesson("mse", "C9", "Why BCE and not MSE", "views/losses.py",
           "One example with y = 1 and a sigmoid output ŷ = σ(z). Its gradient with respect "
           "to z is what moves w and b.",
           (Step("The model is confidently wrong: z = −6, so ŷ ≈ 0.0025 for a true 1. Whose "
                 "gradient ∂loss/∂z is larger in size?",
                 Choice(GRADIENT_SIZES), lambda: gradients_at([-6.0]), fact("larger"),
                 picked,
                 "BCE's gradient is ŷ − y, near −1 when the model is sure and wrong. MSE's is "
                 "2(ŷ − y)·ŷ(1 − ŷ): the sigmoid's slope ŷ(1 − ŷ) is almost 0 out there."),
            Step("Now more and more confidently wrong, z = −2, −6, −10. MSE's gradient …",
                 Choice(TRENDS), lambda: gradients_at([-2.0, -6.0, -10.0]), fact("trend"),
                 picked,
                 "The surer the wrong answer, the flatter the sigmoid and the smaller MSE's "
                 "push: a model trained with MSE learns least where it is most wrong. BCE's "
                 "−log cancels the flat slope, so its push stays near −1."))),
    Lesson("digits", "C4, C5", "Softmax regression on digits", "views/softmax.py",
           "scikit-learn's 8×8 handwritten digits, 10 classes (offline, the same task as "
           "MNIST in C5); nn.Linear(64, 10), cross-entropy, lr 0.1, batch 32, 10 epochs.",
           (Step("Which digit will the model confuse most with 8, either way?",
                 Choice(tuple(str(d) for d in range(10) if d != DIGIT)),
                 lambda: confused_with(DIGITS, DIGIT), fact("answer"), picked,
                 "Softmax regression scores each class by one weighted sum of pixels: "
                 "a template. Digits that share strokes with an 8 (a loop, a central bar) "
                 "get close scores, and the confusion matrix counts where they cross."),
            Step("And its accuracy on the 450 test images?",
                 Slider(0.0, 1.0, 0.01, 0.5, "", 2),
                 lambda: confused_with(DIGITS, DIGIT), fact("test_acc"), within(0.03),
                 "Ten templates, one per digit, already get most 8×8 digits right: "
                 "a linear model is a strong baseline. What it misses needs shapes a single "
                 "template cannot hold."))),
)
