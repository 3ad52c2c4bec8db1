"""The training runs behind the lessons' reveals (lab.lessons): each trains a lab.train Run
when the learner asks, or the notes' own loop beside it, and returns a Result whose facts
hold the answer in the form the prediction takes."""
import math

import torch

from lab.data import load
from lab.instruments.evaluation import confusion_matrix
from lab.i18n import N_, Joined, Said
from lab.instruments.reveals import Curves, Fit, Result, Table
from lab.numbers import human
from lab.train import Run, Step as BatchDone, train

# The options are compared with the runs' answers: kept in English, shown with _()
GAPS = (N_("exactly 0"), N_("below 1e-5"), N_("between 1e-5 and 0.01"), N_("above 0.01"))
SMOOTHER = (N_("batch 1"), N_("full batch"), N_("the same"))
ACCURACY = {"train": N_("train accuracy"), "test": N_("test accuracy")}  # the curves' names
ACCURACY_SAID = {"train": N_("train accuracy {value}"), "test": N_("test accuracy {value}")}


def trained(config):
    """A Run of `config` trained for its epochs (or until it diverged)."""
    run = Run(config, loaded(config))
    for _event in train(run, config.num_epochs):
        pass
    return run


def loaded(config):
    return load(config.dataset, seed=config.seed, standardize=config.standardize)


def added(result, facts, sentence):
    """`result` with more facts, and one more sentence (a Said) of numbers in its detail."""
    return Result({**result.facts, **facts}, result.figure, (*result.said, sentence))


def fitted_curve(config, axis, x_max, at=None):
    """Train one feature's model, then draw it over 0…x_max: the answer is x = −b/w where
    ŷ crosses ½ (axis "x") or the prediction ŷ(at) (axis "y")."""
    return fit_of(trained(config), axis, x_max, at)


def fit_of(run, axis, x_max, at=None):
    """fitted_curve's Result for a `run` already trained."""
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
                 N_("P(pass)") if axis == "x" else "ŷ", at)
    return Result({"answer": answer, "w": w, "b": b}, figure, (
        Said(N_("After {epochs} epochs ({impl}): w = {w}, b = {b}, so {said}."),
             epochs=run.epoch, impl=Said(impl), w=human(w), b=human(b), said=said),))


def notes_w_only(X, y, lr, num_epochs, w=1.0):
    """The notes' (004) loop: ŷ = x·w with no bias, from w = 1.0, one example per update
    in order, ℓ = (ŷ − y)², w ← w − lr·∂ℓ/∂w. Returns (w, updates)."""
    w = torch.tensor([w], requires_grad=True)
    updates = 0
    for _epoch in range(num_epochs):
        for x_i, y_i in zip(X.reshape(-1), y):
            loss = (x_i * w - y_i) ** 2
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
            w.grad.zero_()
            updates += 1
    return w.item(), updates


def line_beside_notes(config, at, x_max):
    """The line w·x + b trained by `config`, read at x = `at`; beside it, the notes' w-only
    model trained by their loop for as many epochs at the same lr."""
    run = trained(config)
    result = fit_of(run, "y", x_max, at)
    b0, b = run.initial["bias"].item(), result.facts["b"]
    w_notes, updates = notes_w_only(run.data.X_train, run.data.y_train, config.lr,
                                    config.num_epochs)
    return added(result, {"b_start": b0, "notes_answer": at * w_notes}, Said(
        N_("It started from nn.Linear's draw, w = {w0}, b = {b0}; b went from {b0} to {b}. "
           "The notes' model without b, from w = 1, reaches ŷ({at}) = {notes} in the same "
           "{updates} updates."),
        w0=human(run.initial["weight"].item()), b0=human(b0), b=human(b), at=f"{at:g}",
        notes=f"{at * w_notes:.6f}", updates=updates))


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
        notes.append(Said(N_("{name}: stopped at epoch {epoch}, diverged"), name=name,
                          epoch=run.diverged.epoch) if run.diverged else
                     Said(N_("{name}: loss {loss}"), name=name, loss=human(final[name])))
    best = min(final, key=final.get)
    return Result({"answer": best, "final": final},
                  Curves(series, N_("epoch"), N_("train loss (log scale)"), log_y=True),
                  (Said(N_("After {epochs} epochs: {notes}."), epochs=config.num_epochs,
                        notes=Joined(N_("; "), notes)),))


def accuracy_curves(config):
    """Train, then the accuracy per epoch on each split, and the last of each."""
    run = trained(config)
    epochs, cols = run.history.series(config.impl)
    splits = [split for split in ("train", "test") if cols[f"{split}_acc"][-1] is not None]
    series = {ACCURACY[split]: (epochs, cols[f"{split}_acc"]) for split in splits}
    m = run.history.latest.metrics[config.impl]
    said = Joined(N_(", "), [Said(ACCURACY_SAID[split], value=human(cols[f"{split}_acc"][-1]))
                             for split in splits])
    sizes = Joined(N_(" and "), [Said(msgid, n=len(y)) for msgid, y in (
        (N_("{n} training examples"), run.data.y_train),
        (N_("{n} test examples"), run.data.y_test)) if y is not None])
    return Result({"train_acc": m.train_acc, "test_acc": m.test_acc},
                  Curves(series, N_("epoch"), N_("accuracy")),
                  (Said(N_("After {epochs} epochs, on {sizes}: {said}."), epochs=run.epoch,
                        sizes=sizes, said=said),))


def accuracy_from_starts(config, seeds):
    """accuracy_curves of `config`, and the train accuracy from each other start (seed)."""
    result = accuracy_curves(config)
    others = {seed: trained(config.with_(seed=seed)).history.latest.metrics[config.impl]
              .train_acc for seed in seeds}
    return added(result, {"other_starts": others}, Said(
        N_("From other random starts (seeds), the same training ends at train accuracy "
           "{accuracies}."),
        accuracies=Joined(N_(", "), [Said(N_("{accuracy} (seed {seed})"), accuracy=human(a),
                                          seed=s) for s, a in others.items()])))


def accuracy_beside_truth(config):
    """accuracy_curves of `config`, and the test accuracy of the line the labels came
    from (the dataset's true parameters): what the label noise alone costs."""
    result = accuracy_curves(config)
    d = loaded(config)
    w, b = torch.tensor(d.true_params["weight"]), torch.tensor(d.true_params["bias"])
    z = d.X_test @ w.T + b                                              # (n, 1)
    right = int(((z.reshape(-1) >= 0).float() == d.y_test).sum())
    n = len(d.y_test)
    said = ", ".join(f"{v:g}" for v in w.reshape(-1).tolist())
    missed = round(n * (1 - result.facts["test_acc"]))
    return added(result, {"true_acc": right / n}, Said(
        N_("The true line, w = ({w}), b = {b}, gets {right} of the {n} test points right "
           "({accuracy}): the noise alone costs it {lost} of them; the trained line misses "
           "{missed}."),
        w=said, b=f"{b.item():g}", right=right, n=n, accuracy=human(right / n),
        lost=n - right, missed=missed))


def twins_apart(config):
    """Both twins in lockstep: how far apart their parameters end, as one of GAPS."""
    run = trained(config.with_(impl="both"))
    gap = run.param_gap()
    bucket = GAPS[0] if gap == 0 else GAPS[1] if gap < 1e-5 else GAPS[2] if gap < 0.01 \
        else GAPS[3]
    rows = [(f"{name}[{i}]", m, n) for name in run.views["manual"]
            for i, (m, n) in enumerate(zip(run.views["manual"][name].reshape(-1).tolist(),
                                           run.views["nn"][name].reshape(-1).tolist()))]
    table = Table({N_("manual"): [r[1] for r in rows], "torch.nn": [r[2] for r in rows],
                   N_("|manual − torch.nn|"): [abs(r[1] - r[2]) for r in rows]},
                  [r[0] for r in rows], N_("parameter"))
    return Result({"answer": bucket, "gap": gap}, table, (
        Said(N_("After {epochs} epochs the largest gap in any parameter is {gap}."),
             epochs=run.epoch, gap=f"{gap:.3g}"),))


def batch_losses(config, batch_sizes, updates):
    """The loss of each update's own batch for the first `updates` updates at each batch
    size; the smoother curve is the one whose loss rose after fewer updates."""
    series, rises = {}, {}
    for size in batch_sizes:
        run = Run(config.with_(batch_size=size), loaded(config))
        losses = []
        for event in train(run, updates):  # epochs enough; stops after `updates` batches
            if isinstance(event, BatchDone):
                losses.append(event.losses[config.impl])
                if len(losses) == updates:
                    break
        name = SMOOTHER[1] if size >= len(run.data.y_train) else f"batch {size}"
        series[name] = (list(range(1, updates + 1)), losses)
        rises[name] = sum(b > a for a, b in zip(losses, losses[1:]))
    (a, ra), (b, rb) = rises.items()
    answer = SMOOTHER[2] if ra == rb else a if ra < rb else b
    return Result({"answer": answer, "rises": rises},
                  Curves(series, N_("update"), N_("the batch's loss")), (
        Said(N_("On {n} training points, the loss rose after {rises_a} of {updates} updates "
                "with {name_a} and {rises_b} of {updates} updates with {name_b}."),
             n=len(run.data.y_train), updates=updates - 1, rises_a=ra, name_a=Said(a),
             rises_b=rb, name_b=Said(b)),))


def confusions(config, digit):
    """Train softmax regression, then count its confusions over the training and test
    splits together: the classes most often confused with `digit`, either way, within
    one image of the most (a tuple: near-ties are all right answers)."""
    run = trained(config)
    d, model = run.data, next(iter(run.models.values()))
    counts = 0
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        with torch.no_grad():
            y_pred = run.family.labels(run.family.logits(model, d.features(X)))
        counts = counts + confusion_matrix(y, y_pred, d.num_classes)   # (k, k)
    mixed = counts[digit] + counts[:, digit]                             # (k,) either way
    mixed[digit] = 0
    most = int(mixed.max())
    names = d.class_names
    answer = tuple(names[i] for i in range(d.num_classes) if most and mixed[i] >= most - 1)
    table = Table({n: counts[:, j].tolist() for j, n in enumerate(names)},
                  [Said(N_("true {digit}"), digit=n) for n in names], N_("as →"))
    ranked = sorted((i for i in range(d.num_classes) if i != digit), key=lambda i: -mixed[i])
    said = ", ".join(f"{names[i]} ({int(mixed[i])})" for i in ranked[:3])
    test_acc = run.history.latest.metrics[config.impl].test_acc
    n_train, n_test = len(d.y_train), len(d.y_test)
    return Result({"answer": answer, "counts": counts, "test_acc": test_acc}, table, (
        Said(N_("After {epochs} epochs: test accuracy {accuracy} on {n_test} test images. "
                "Over all {n} images (training and test), the digits most often confused "
                "with {digit}, either way: {said}."),
             epochs=run.epoch, accuracy=human(test_acc), n_test=n_test, n=n_train + n_test,
             digit=names[digit], said=said),))
