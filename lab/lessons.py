"""Guided lessons (issue 12): predict, then run the real thing, then compare.

A lesson is data. Each of its steps holds a question; how the learner answers it (a
Slider, or a Choice of options, which may be the rows of a table); `run`, the real thing
to do once the learner has committed (a lab.train Run trained to its end, or a PyTorch
call: lab.instruments.lesson_runs and lesson_calls), which returns a Result; `read`, how
the answer is read from that Result, in the form the prediction takes; `close`, how near
is near enough; and `why`. No lesson holds a number of its answer: every answer comes
from a run made when the learner asks for it.

Nothing here draws. A Result carries a figure (Fit, Curves, Table or Printed, from
lab.instruments.reveals) that ui.lessons knows how to draw, and sentences of the run's
own numbers (`said`), put into words when drawn (`detail`).

Every text a learner reads is marked with N_() and translated where ui.lessons shows it.
A Choice's options stay English: the run's answer is one of them, compared as it is; the
page shows each with _().
"""
from dataclasses import dataclass, field
from typing import Callable

from lab.config import RunConfig
from lab.i18n import N_
from lab.instruments.explain import SLIDES_Y, SLIDES_Y_HAT
from lab.instruments.lesson_calls import (GRADIENT_SIZES, IN_PLACE, ROWS, SHAPES, TRENDS,
                                          gradients_at, no_grad_gradient, slides_bce,
                                          subtracted)
from lab.instruments.lesson_runs import (GAPS, SMOOTHER, accuracy_beside_truth,
                                         accuracy_from_starts, batch_losses, confusions,
                                         fitted_curve, line_beside_notes, lr_race, twins_apart)
# The figures a Result carries: ui.lessons takes them from here, with the lessons
from lab.instruments.reveals import Curves, Fit, Printed, Result, Table  # noqa: F401

FULL_BATCH = 1 << 20  # larger than any bundled set: the whole training split at once


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


# -- the lessons, in the course's order (as Home lists the pages) ----------------------

C1 = RunConfig(model="logistic", dataset="hours", impl="nn", lr=0.01, batch_size=FULL_BATCH,
               num_epochs=1000, reduction="sum")                      # the slides' settings
C2 = RunConfig(model="logistic", dataset="iris", impl="manual", lr=0.001,
               batch_size=FULL_BATCH, num_epochs=500, init="normal", seed=1)  # as Home's C2
C2_OTHER_SEEDS = (0, 2, 3, 4)  # other N(0, 1) starts, trained beside it
C3 = RunConfig(model="logistic", dataset="synthetic", impl="nn", lr=0.1, batch_size=64,
               num_epochs=5)
C6 = RunConfig(model="linear", dataset="hours-points", impl="manual", lr=0.01, batch_size=1,
               num_epochs=100)                         # the notes' loop, with b as the slides
DIGITS = RunConfig(model="softmax", dataset="digits", impl="nn", lr=0.1, batch_size=32,
                   num_epochs=10)
LRS = (0.001, 0.1, 10.0)
LR_OPTIONS = tuple(f"lr {lr:g}" for lr in LRS)
DIGIT = 8

LESSONS = (
    Lesson("tensors", "C8", N_("Tensors: broadcasting and no_grad"), "views/tensors.py",
           N_("The course's first exercise: M is 1×3, N is 2×1. Guess what PyTorch does with "
              "them, then let it answer."),
           (Step(N_("M = [[4, 5, 6]] is 1×3 and N = [[1], [2]] is 2×1. What shape is M − N?"),
                 Choice(SHAPES), lambda: subtracted("M - N"), fact("shape"), picked,
                 N_("Broadcasting lines the shapes up from the right; a dimension of size 1 is "
                    "repeated to match the other. M's one row is copied twice, N's one column "
                    "three times: both become 2×3, then they are subtracted element by element.")),
            Step(N_("And M.sub_(N), the in-place subtraction: what does it do to M?"),
                 Choice(IN_PLACE), lambda: subtracted("M.sub_(N)"), fact("in_place"), picked,
                 N_("An in-place operation writes its answer into M's own memory. N is still "
                    "broadcast, as in M − N, but the answer is 2×3 and M has room for 1×3 only, "
                    "so PyTorch refuses: the tensor written into is never broadcast. The notes "
                    "get this wrong: they say the in-place form does not broadcast at all. The "
                    "last lines show it does: on a 2×3 tensor, sub_(N) broadcasts N and writes "
                    "the answer in place.")),
            Step(N_("y3 = x² + x³ at x = 1, but x³ is computed inside torch.no_grad(). "
                    "What is dy3/dx after y3.backward()?"),
                 Choice(("0", "2", "3", "5")), no_grad_gradient, fact("answer"), picked,
                 N_("Under no_grad PyTorch records no graph, so x³ is a constant to autograd: "
                    "only x² is differentiated, 2x. Tracked, the derivative is 2x + 3x².")))),
    Lesson("linear", "C6", N_("A line through three points"), "views/linear.py",
           N_("The revision of linear regression: x = [1, 2, 3] hours, y = [2, 4, 6] points, "
              "the squared error, gradient descent. The notes fit ŷ = x·w; the slides add a "
              "bias, ŷ = w·x + b."),
           (Step(N_("The notes' loop, with a bias b as in the slides (ŷ = w·x + b, from "
                    "nn.Linear's own random start): one example per update, lr 0.01, 100 "
                    "epochs. What will the model predict for x = 4 hours?"),
                 Slider(0.0, 12.0, 0.1, 6.0, N_("points"), 2),
                 lambda: line_beside_notes(C6, 4.0, 5.0), fact("answer"), within(0.3),
                 N_("The points lie on y = 2x, so the perfect answer is 2·4. The notes' model "
                    "has no b and starts at w = 1: one number to fix, and it gets close in the "
                    "same 300 updates (its result is in the numbers). This model starts with "
                    "b away from 0, and the squared error's valley over (w, b) is long and "
                    "shallow: the way down it, w up and b down together, has a tiny gradient, "
                    "so the updates barely move along it and the line is still off at x = 4.")),
            Step(N_("Full batch, 100 epochs, the same start: which learning rate ends with the "
                    "lowest loss?"),
                 Choice(LR_OPTIONS),
                 lambda: lr_race(C6.with_(impl="nn", batch_size=FULL_BATCH), LRS),
                 fact("answer"), picked,
                 N_("Too small a step crawls: the loss falls, slowly. A moderate step descends "
                    "the bowl of the squared error. Too large a step overshoots the bottom to a "
                    "higher point on the other side each time, further and further, until the "
                    "numbers blow up and the lab stops the run.")))),
    Lesson("hours", "C1", N_("Hours studied → pass"), "views/logistic.py",
           N_("Lecture 6: x = [1, 2, 3] hours, y = [0, 0, 1] (fail, fail, pass). "
              "ŷ = σ(w·x + b) is the probability of passing."),
           (Step(N_("The slides' model (torch.nn, summed BCE, lr 0.01, 1000 epochs): at how many "
                    "hours will P(pass) cross 0.5?"),
                 Slider(0.0, 10.0, 0.1, 5.0, N_("h"), 2),
                 lambda: fitted_curve(C1, "x", 10.0), fact("answer"), within(0.25),
                 N_("σ(z) = 0.5 where z = w·x + b = 0, at x = −b/w. The last fail is at 2 h and "
                    "the first pass at 3 h; BCE pushes the crossing between them. (The notes "
                    "read ‘above 3 hours’ off their plot: the run says otherwise.)")),
            Step(N_("Full batch, mean BCE, 100 epochs, the same start: which learning rate ends "
                    "with the lowest loss?"),
                 Choice(LR_OPTIONS),
                 lambda: lr_race(C1.with_(num_epochs=100, reduction="mean"), LRS),
                 fact("answer"), picked,
                 N_("Unlike the line's squared error, these three points can be split perfectly, "
                    "so BCE has no bottom to overshoot: it keeps falling as w grows and σ "
                    "sharpens into a step. A tiny step crawls; a larger one goes further down "
                    "the same endless slope. On data that cannot be split, a huge step would "
                    "overshoot instead, or saturate σ at 0 or 1 on the wrong side.")))),
    Lesson("iris", "C2", N_("Iris by hand"), "views/logistic.py",
           N_("The first 100 iris flowers, setosa vs versicolor, 4 measurements; w (1×4) and b "
              "drawn from N(0, 1) and trained by the notes' own loop."),
           (Step(N_("The notes draw w and b at random from N(0, 1); this lesson's draw is seed "
                    "1. lr 0.001, full batch, 500 epochs, as in the notes: what accuracy on the "
                    "training set?"),
                 Slider(0.0, 1.0, 0.01, 0.5, "", 2),
                 lambda: accuracy_from_starts(C2, C2_OTHER_SEEDS), fact("train_acc"),
                 within(0.05),
                 N_("Setosa and versicolor differ clearly in petal size: some straight line in "
                    "4-D splits them all. Whether lr 0.001 reaches one in 500 epochs depends on "
                    "the random start: a draw near such a line gets there, a draw that points "
                    "the wrong way moves so slowly that it stays far off. The numbers show other "
                    "starts trained the same way; the notes' result is one draw among many.")),
            Step(N_("Train the hand-written model and the torch.nn one in lockstep from the same "
                    "start for 100 epochs. How far apart will their parameters end?"),
                 Choice(GAPS), lambda: twins_apart(C2.with_(num_epochs=100)),
                 fact("answer"), picked,
                 N_("Both compute the same formulas, σ, BCE and w ← w − lr·∂L/∂w, in float32, "
                    "but not with the same operations: the hand-written σ is e^(−|z|), a where "
                    "and a division, torch.sigmoid is PyTorch's own kernel, and so for BCE and "
                    "its gradient. Each operation rounds in float32's last digit (about 1 part "
                    "in 10⁷), the two differently, and every update carries the differences "
                    "on.")))),
    Lesson("synthetic", "C3", N_("Synthetic 2-D data and the batch size"), "views/logistic.py",
           N_("Points in the unit square, labelled by σ(1.9·x1 − 3.1·x2 + 0.6) plus noise, "
              "split into training and test points; torch.nn, lr 0.1."),
           (Step(N_("The first 200 updates with one example per batch, and with the whole "
                    "training set per batch: whose loss curve is smoother?"),
                 Choice(SMOOTHER), lambda: batch_losses(C3, (1, FULL_BATCH), 200),
                 fact("answer"), picked,
                 N_("A full batch follows the gradient of the whole loss: every small step goes "
                    "downhill. One example's loss jumps from example to example, and its "
                    "gradient points downhill only on average: SGD's noise.")),
            Step(N_("Batch 64 for 5 epochs: what accuracy on the test points?"),
                 Slider(0.5, 1.0, 0.01, 0.75, "", 2), lambda: accuracy_beside_truth(C3),
                 fact("test_acc"), within(0.03),
                 N_("The labels come from a line, so a line can get nearly all of them right: "
                    "the noise flips only labels of points very close to it, and the true line "
                    "itself loses little to it (its score is in the numbers). After 5 epochs "
                    "the fitted line is still moving toward it; most of what it gets wrong is "
                    "that, not the noise. Train longer on the page and watch the gap close.")))),
    Lesson("bce", "C7", N_("The BCE table from the slides"), "views/losses.py",
           N_("Four examples, their labels y and the model's probabilities ŷ; "
              "BCE = −[y·log ŷ + (1 − y)·log(1 − ŷ)]."),
           (Step(N_("Which of these four examples costs the most?"),
                 Choice(ROWS, {"y": list(SLIDES_Y), "ŷ": list(SLIDES_Y_HAT)}),
                 slides_bce, fact("answer"), picked,
                 N_("BCE is −log of the probability the model gives the true label: ŷ for a "
                    "pass (y = 1), 1 − ŷ for a fail (y = 0). The example whose true label gets "
                    "the smallest probability costs the most, and −log grows fast as that "
                    "probability nears 0.")),
            Step(N_("The mini-batch loss is the mean of the four. What is it?"),
                 Slider(0.0, 2.0, 0.01, 1.0, "", 4), slides_bce, fact("mean"), within(0.1),
                 N_("The mean of the four: nn.BCELoss's default reduction. The slides' "
                    "size_average=False gives the sum instead, four times as large.")))),
    Lesson("mse", "C9", N_("Why BCE and not MSE"), "views/losses.py",
           N_("One example with y = 1 and a sigmoid output ŷ = σ(z). Its gradient with respect "
              "to z is what moves w and b."),
           (Step(N_("The model is confidently wrong: z = −6, so ŷ ≈ 0.0025 for a true 1. Whose "
                    "gradient ∂loss/∂z is larger in size?"),
                 Choice(GRADIENT_SIZES), lambda: gradients_at([-6.0]), fact("larger"),
                 picked,
                 N_("BCE's gradient is ŷ − y, near −1 when the model is sure and wrong. MSE's is "
                    "2(ŷ − y)·ŷ(1 − ŷ): the sigmoid's slope ŷ(1 − ŷ) is almost 0 out there.")),
            Step(N_("Now more and more confidently wrong, z = −2, −6, −10. MSE's gradient …"),
                 Choice(TRENDS), lambda: gradients_at([-2.0, -6.0, -10.0]), fact("trend"),
                 picked,
                 N_("The surer the wrong answer, the flatter the sigmoid and the smaller MSE's "
                    "push: a model trained with MSE learns least where it is most wrong. BCE's "
                    "−log cancels the flat slope, so its push stays near −1.")))),
    Lesson("digits", "C4, C5", N_("Softmax regression on digits"), "views/softmax.py",
           N_("scikit-learn's 8×8 handwritten digits, 10 classes (offline, the same task as "
              "MNIST in C5); nn.Linear(64, 10), cross-entropy, lr 0.1, batch 32, 10 epochs."),
           (Step(N_("Counting every image, training and test: which digit will the model "
                    "confuse most with 8, either way (an 8 taken for it, or it for an 8)?"),
                 Choice(tuple(str(d) for d in range(10) if d != DIGIT)),
                 lambda: confusions(DIGITS, DIGIT), fact("answer"), picked,
                 N_("Softmax regression scores each class by one weighted sum of pixels: a "
                    "template per digit. Where two templates give an image close scores it can "
                    "land on the wrong side, and the confusion matrix counts where it did. The "
                    "softmax page draws the ten templates as images: compare 8's with the "
                    "others. (A digit within one image of the most counts as right too.)")),
            Step(N_("And its accuracy on the test split?"),
                 Slider(0.0, 1.0, 0.01, 0.5, "", 2),
                 lambda: confusions(DIGITS, DIGIT), fact("test_acc"), within(0.03),
                 N_("Ten templates, one per digit, already get most 8×8 digits right: "
                    "a linear model is a strong baseline. What it misses needs shapes a single "
                    "template cannot hold.")))),
)
