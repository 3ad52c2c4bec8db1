"""The lessons' reveals, each recomputed here with plain PyTorch (PyTorch is the oracle).

The course's own loops (nn.Linear after torch.manual_seed, the library loss, optim.SGD,
batches from torch.randperm with a seeded generator, as lab.train draws them) and the
formulas; the data sets come from lab.data, which has its own tests. EXPECTED maps each
step, (lesson key, step index), to its answer computed this way; tests/test_page_lessons.py
uses it too.
"""
import math

import pytest
import torch
from torch import nn

from lab import lessons
from lab.data import load
from lab.instruments import lesson_calls, lesson_runs
from lab.lessons import LESSONS, Choice, Slider
from lab.urlstate import lesson_from_params


def sgd(model, X, y, loss_fn, lr, batch_size, epochs, seed=0, updates=None):
    """The course's training cycle; batches as lab.train draws them. Returns each update's
    batch loss (the first `updates` of them, if given)."""
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        order = [None] if batch_size >= len(y) else torch.randperm(len(y), generator=g).split(
            batch_size)
        for idx in order:
            Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
            loss = loss_fn(model(Xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if updates and len(losses) == updates:
                return losses
    return losses


def seeded_linear(d, k=1, seed=0):
    torch.manual_seed(seed)  # nn.Linear's own draw: the lab's "default" initialization
    return nn.Linear(d, k)


def logistic(d, seed=0):
    linear = seeded_linear(d, seed=seed)
    return lambda X: torch.sigmoid(linear(X)).reshape(-1), linear


class Model(nn.Module):
    def __init__(self, forward, linear):
        super().__init__()
        self.linear, self.f = linear, forward

    def forward(self, X):
        return self.f(X)


def bce(reduction="mean"):
    return nn.BCELoss(reduction=reduction)


def hours_crossing():
    X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([0.0, 0.0, 1.0])
    f, linear = logistic(1)
    sgd(Model(f, linear), X, y, bce("sum"), 0.01, len(y), 1000)
    return -linear.bias.item() / linear.weight.item()


def final_losses(X, y, make, loss_fn, epochs):
    """lr → the loss over the data after `epochs` full-batch epochs (inf: blew up)."""
    final = {}
    for lr in lessons.LRS:
        model = make()
        sgd(model, X, y, loss_fn, lr, len(y), epochs)
        with torch.no_grad():
            size = max(p.abs().max().item() for p in model.parameters())
            loss = loss_fn(model(X), y).item()
        final[f"lr {lr:g}"] = loss if math.isfinite(loss) and size < 1e6 else math.inf
    return final


def hours_lr():
    X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([0.0, 0.0, 1.0])
    final = final_losses(X, y, lambda: Model(*logistic(1)), bce(), 100)
    return min(final, key=final.get)


def line_model():
    linear = seeded_linear(1)
    return Model(lambda X: linear(X).reshape(-1), linear)


def line_at_4():
    X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([2.0, 4.0, 6.0])
    model = line_model()
    sgd(model, X, y, nn.MSELoss(), 0.01, 1, 100)  # one example per update, as the notes
    return model(torch.tensor([[4.0]])).item()


def notes_w_only_at_4():
    """The notes' (004) loop, in plain Python: ŷ = x·w from w = 1.0, ℓ = (ŷ − y)², so
    ∂ℓ/∂w = 2x(x·w − y), one example per update in order, lr 0.01, 100 epochs."""
    w = 1.0
    for _ in range(100):
        for x, y in ((1.0, 2.0), (2.0, 4.0), (3.0, 6.0)):
            w -= 0.01 * 2 * x * (x * w - y)
    return 4 * w


def line_lr():
    X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([2.0, 4.0, 6.0])
    final = final_losses(X, y, line_model, nn.MSELoss(), 100)
    return min(final, key=final.get)


def iris_notes(epochs, seed=1):
    """The notes' C2 loop: w (1×4), b from N(0, 1) (the lab's draw for `seed`), F.linear,
    sigmoid, F.binary_cross_entropy, the update under no_grad; and nn's twin beside it."""
    d = load("iris", seed=seed)
    g = torch.Generator().manual_seed(seed)
    w = torch.empty(1, 4).normal_(generator=g).requires_grad_()
    b = torch.empty(1).normal_(generator=g).requires_grad_()
    linear = nn.Linear(4, 1)
    with torch.no_grad():
        linear.weight.copy_(w), linear.bias.copy_(b)
    twin = Model(lambda X: torch.sigmoid(linear(X)).reshape(-1), linear)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.001)
    for _ in range(epochs):
        y_hat = torch.sigmoid(nn.functional.linear(d.X_train, w, b)).reshape(-1)
        loss = nn.functional.binary_cross_entropy(y_hat, d.y_train)
        loss.backward()
        with torch.no_grad():
            w -= 0.001 * w.grad
            b -= 0.001 * b.grad
            w.grad.zero_(), b.grad.zero_()
        optimizer.zero_grad()
        bce()(twin(d.X_train), d.y_train).backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = ((torch.sigmoid(d.X_train @ w.T + b).reshape(-1) > 0.5).float()
                    == d.y_train).float().mean().item()
        gap = max((w - linear.weight).abs().max().item(), (b - linear.bias).abs().max().item())
    return accuracy, gap


def gap_bucket():
    _, gap = iris_notes(100)
    return lesson_runs.GAPS[0 if gap == 0 else 1 if gap < 1e-5 else 2 if gap < 0.01 else 3]


def smoother():
    d = load("synthetic")
    rises = {}
    for name, size in (("batch 1", 1), ("full batch", len(d.y_train))):
        losses = sgd(Model(*logistic(2)), d.X_train, d.y_train, bce(), 0.1, size, 200,
                     updates=200)
        rises[name] = sum(b > a for a, b in zip(losses, losses[1:]))
    if rises["batch 1"] == rises["full batch"]:
        return "the same"
    return min(rises, key=rises.get)


def synthetic_test_acc():
    d = load("synthetic")
    f, linear = logistic(2)
    sgd(Model(f, linear), d.X_train, d.y_train, bce(), 0.1, 64, 5)
    with torch.no_grad():
        return ((f(d.X_test) > 0.5).float() == d.y_test).float().mean().item()


def synthetic_true_line():
    """The test accuracy of the line the labels were drawn from, σ(1.9·x1 − 3.1·x2 + 0.6)."""
    d = load("synthetic")
    z = 1.9 * d.X_test[:, 0] - 3.1 * d.X_test[:, 1] + 0.6
    return ((z >= 0).float() == d.y_test).float().mean().item()


def digits_run():
    """Train, then count confusions over the training and test splits: the digits within
    one image of the most confused with 8 either way, and the test accuracy."""
    d = load("digits")
    linear = seeded_linear(64, 10)
    sgd(linear, d.X_train, d.y_train, nn.CrossEntropyLoss(), 0.1, 32, 10)
    counts = torch.zeros(10, 10, dtype=torch.int64)
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        with torch.no_grad():
            y_pred = linear(X).argmax(dim=1)
        for t, p in zip(y.tolist(), y_pred.tolist()):
            counts[t, p] += 1
    mixed = {str(k): int(counts[8, k] + counts[k, 8]) for k in range(10) if k != 8}
    most = max(mixed.values())
    with torch.no_grad():
        test_acc = (linear(d.X_test).argmax(dim=1) == d.y_test).float().mean().item()
    return tuple(k for k, v in mixed.items() if v >= most - 1 and most), test_acc


def slides():
    y_hat, y = [0.2, 0.8, 0.3, 0.7], [1, 1, 0, 0]
    losses = [-math.log(p) if t == 1 else -math.log(1 - p) for p, t in zip(y_hat, y)]
    return f"row {losses.index(max(losses)) + 1}", sum(losses) / 4


def gradients(z):
    """dMSE/dz and dBCE/dz for y = 1 by the chain rule, written out."""
    s = 1 / (1 + math.exp(-z))
    return 2 * (s - 1) * s * (1 - s), s - 1


def larger_at_minus_6():
    d_mse, d_bce = gradients(-6.0)
    return "BCE's" if abs(d_bce) > 1.1 * abs(d_mse) else "MSE's" if abs(d_mse) > 1.1 * abs(
        d_bce) else "about the same"


def mse_trend():
    sizes = [abs(gradients(z)[0]) for z in (-2.0, -6.0, -10.0)]
    return "shrinks toward 0" if sizes[0] > sizes[1] > sizes[2] else \
        "grows" if sizes[0] < sizes[1] < sizes[2] else "stays about the same"


def minus():
    M, N = torch.tensor([[4, 5, 6]]), torch.tensor([[1], [2]])
    return "×".join(map(str, (M - N).shape))


def sub_in_place():
    M, N = torch.tensor([[4, 5, 6]]), torch.tensor([[1], [2]])
    try:
        M.sub_(N)
    except RuntimeError:
        return lesson_calls.IN_PLACE[2]
    return lesson_calls.IN_PLACE[0] if M.shape == (2, 3) else lesson_calls.IN_PLACE[1]


def no_grad_derivative():
    x = torch.tensor(1.0, requires_grad=True)
    y1 = x ** 2
    with torch.no_grad():
        y2 = x ** 3
    (y1 + y2).backward()
    return f"{x.grad.item():g}"


EXPECTED = {  # (lesson key, step) → a function computing its answer independently
    ("tensors", 0): minus,
    ("tensors", 1): sub_in_place,
    ("tensors", 2): no_grad_derivative,
    ("linear", 0): line_at_4,
    ("linear", 1): line_lr,
    ("hours", 0): hours_crossing,
    ("hours", 1): hours_lr,
    ("iris", 0): lambda: iris_notes(500)[0],
    ("iris", 1): gap_bucket,
    ("synthetic", 0): smoother,
    ("synthetic", 1): synthetic_test_acc,
    ("bce", 0): lambda: slides()[0],
    ("bce", 1): lambda: slides()[1],
    ("mse", 0): larger_at_minus_6,
    ("mse", 1): mse_trend,
    ("digits", 0): lambda: digits_run()[0],
    ("digits", 1): lambda: digits_run()[1],
}
STEPS = [(lesson, i) for lesson in LESSONS for i in range(len(lesson.steps))]


def same(answer, expected):
    if isinstance(expected, float):
        return answer == pytest.approx(expected, abs=1e-4)
    return answer == expected


def test_every_step_has_an_independent_check():
    assert sorted(EXPECTED) == sorted((lesson.key, i) for lesson, i in STEPS)


@pytest.mark.parametrize("lesson, i", STEPS, ids=[f"{l.key}-{i}" for l, i in STEPS])
def test_the_reveal_is_what_pytorch_computes(lesson, i):
    step = lesson.steps[i]
    answer = step.read(step.run())
    expected = EXPECTED[(lesson.key, i)]()
    assert same(answer, expected), (answer, expected)
    if isinstance(step.predict, Choice):  # the answer is one of the options the learner has
        assert set(answer if isinstance(answer, tuple) else [answer]) <= set(step.predict.options)
    else:
        assert step.predict.lo <= answer <= step.predict.hi


@pytest.mark.parametrize("lesson, i", STEPS, ids=[f"{l.key}-{i}" for l, i in STEPS])
def test_closeness_follows_the_prediction_and_not_the_other_way(lesson, i):
    step = lesson.steps[i]
    result = step.run()
    answer = step.read(result)
    if isinstance(step.predict, Slider):
        assert step.close(answer, answer)
        far = step.predict.lo if answer - step.predict.lo > step.predict.hi - answer \
            else step.predict.hi
        assert not step.close(far, answer)
    else:
        right = answer[0] if isinstance(answer, tuple) else answer
        wrong = next(o for o in step.predict.options
                     if o not in (answer if isinstance(answer, tuple) else (answer,)))
        assert step.close(right, answer) and not step.close(wrong, answer)
    assert step.read(result) == answer  # reading it again changes nothing


def test_the_lessons_follow_the_course_in_order_and_are_data():
    assert [lesson.experiment for lesson in LESSONS] == [
        "C8", "C6", "C1", "C2", "C3", "C7", "C9", "C4, C5"]  # Home's order of the pages
    assert len({lesson.key for lesson in LESSONS}) == len(LESSONS)
    for lesson in LESSONS:
        assert 1 <= len(lesson.steps) <= 4
        for step in lesson.steps:
            assert step.question.endswith(("?", "…")) and step.why


def test_the_fitted_curve_marks_the_answer_it_reads():
    result = lesson_runs.fitted_curve(lessons.C1, "x", 10.0)
    fig = result.figure
    w, b = result.facts["w"], result.facts["b"]
    assert fig.answer == pytest.approx(-b / w)
    k = min(range(len(fig.x)), key=lambda j: abs(fig.x[j] - fig.answer))
    assert fig.y[k] == pytest.approx(0.5, abs=0.03)  # σ crosses ½ where it says


def test_a_diverged_run_loses_the_race():
    result = lesson_runs.lr_race(lessons.C6.with_(impl="nn", batch_size=lessons.FULL_BATCH),
                                 lessons.LRS)
    assert result.facts["final"]["lr 10"] == math.inf
    assert "diverged" in result.detail


def test_the_numbers_beside_an_answer_are_what_pytorch_computes():
    """The facts a detail states beside the answer, each recomputed independently."""
    line = LESSONS[1].steps[0].run()
    assert line.facts["notes_answer"] == pytest.approx(notes_w_only_at_4(), abs=1e-4)
    assert line.facts["b_start"] == pytest.approx(seeded_linear(1).bias.item())
    assert f"{line.facts['notes_answer']:.6f}" in line.detail  # float32, as the notes print
    iris = LESSONS[3].steps[0].run()
    assert iris.facts["other_starts"] == {
        seed: pytest.approx(iris_notes(500, seed)[0], abs=1e-4) for seed in lessons.C2_OTHER_SEEDS}
    synthetic = LESSONS[4].steps[1].run()
    assert synthetic.facts["true_acc"] == pytest.approx(synthetic_true_line())
    assert synthetic.facts["true_acc"] > synthetic.facts["test_acc"]  # the line still moves


def test_in_place_subtraction_broadcasts_n_where_the_answer_fits():
    printed = lesson_calls.subtracted("M.sub_(N)").figure.lines
    M2, N = torch.tensor([[4, 5, 6]]).repeat(2, 1), torch.tensor([[1], [2]])
    assert printed[-1] == ("M2.sub_(N)", str(M2.sub_(N)))
    assert "Error" in printed[2][1]  # M itself: PyTorch's own refusal


def test_each_reveal_is_a_run_of_its_own_made_when_asked():
    """No result is shared between reveals (or sessions): the digits lesson's two steps
    train a run each, and each trains the same seeded model."""
    first, second = (step.run() for step in LESSONS[-1].steps)
    assert first is not second
    assert torch.equal(first.facts["counts"], second.facts["counts"])


SIZES = [len(lesson.steps) for lesson in LESSONS]


@pytest.mark.parametrize("params, at, problems", [
    ({}, (4, 1), []),                                              # stays where it was
    ({"lesson": "2", "step": "2"}, (1, 1), []),
    ({"lesson": "3"}, (2, 0), []),
    ({"step": "2"}, (4, 1), []),                                   # of the current lesson
    ({"step": "7"}, (4, 1), [("step (lesson 5 has 2 steps)", "7")]),
    ({"lesson": "0", "step": "1"}, (4, 1), [("lesson", "0"), ("step", "1")]),  # dropped too
    ({"lesson": "9", "step": "2"}, (4, 1), [("lesson", "9"), ("step", "2")]),
    ({"lesson": "99", "step": "x"}, (4, 1), [("lesson", "99"), ("step", "x")]),
    ({"lesson": "2", "step": "9"}, (1, 0), [("step (lesson 2 has 2 steps)", "9")]),
    ({"lesson": "2.0"}, (4, 1), [("lesson", "2.0")]),
    ({"lesson": "-1", "lecture": "maybe"}, (4, 1), [("lesson", "-1"), ("lecture", "maybe")]),
    ({"lesson": "1" * 5000}, (4, 1), [("lesson", "1" * 5000)]),
])
def test_a_link_opens_a_step_and_its_bad_values_are_reported(params, at, problems):
    assert lesson_from_params(params, SIZES, current=(4, 1)) == (at, problems)


def test_a_bad_step_names_its_lessons_range_in_the_singular_too():
    assert lesson_from_params({"step": "3"}, [1]) == ((0, 0), [("step (lesson 1 has 1 step)",
                                                                "3")])
