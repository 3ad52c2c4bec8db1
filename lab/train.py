"""The training loop: a generator of plain events. It never prints, plots or sleeps.

A `Run` holds the models part-way through training, so a page can stop after
any batch and continue later with `train(run, ...)` again.
"""
import math
from dataclasses import dataclass

import torch

from lab.config import validate
from lab.data import as_classes
from lab.history import History, ParamPath
from lab.i18n import _
from lab.models import FAMILIES, make_model

EVAL_CHUNK = 1024  # rows scored at once: a float copy that stays in cache (measured fastest)
# Past this size a parameter means nothing useful: every update overshoots further than the
# last (a diverging linear fit reaches 1e+33 before it overflows); stop and say so.
PARAM_LIMIT = 1e6
SMALL_MODEL = 64  # parameters, all twins together, read as a Python list to be sized


@dataclass
class Step:
    """One mini-batch done."""

    epoch: int               # the epoch it belongs to, from 1
    batch: int               # its index in the epoch, from 0
    num_batches: int
    X: torch.Tensor          # (b, d) the batch, as float features
    y: torch.Tensor          # (b,)
    losses: dict             # impl → batch loss, as the twin's reduction gives it
    param_gap: float | None  # both: largest |manual − nn| over every parameter
    rows: int = 0            # examples in the batch (X may be cut short to keep memory)


@dataclass
class Metrics:
    train_loss: float        # mean per-example loss over the whole split
    train_acc: float | None  # None for regression
    test_loss: float | None  # None where there is no test split
    test_acc: float | None
    pinned: int = 0          # training examples whose loss sits at the family's ceiling


@dataclass
class EpochEnd:
    epoch: int               # from 1
    metrics: dict            # impl → Metrics, scored after the epoch's last update
    param_gap: float | None
    loss_gap: float | None   # both: largest |manual − nn| of any loss this epoch


@dataclass
class Diverged:
    """Training left the range where its numbers mean anything, and stopped."""

    epoch: int
    batch: int
    impl: str
    loss: float
    reason: str              # overflow (inf/nan), too-large (parameters) or pinned (BCE clamp)
    detail: float            # too-large: the largest |parameter|; pinned: examples at the clamp
    lr: float
    reduction: str
    standardized: bool

    @property
    def message(self):
        return divergence_message(self)


class Run:
    """One model (or a lockstep pair) being trained; everything needed to resume."""

    def __init__(self, config, data):
        self.config = validate(config)
        self.family = FAMILIES[config.model]
        if self.family.multiclass:
            data = as_classes(data)  # two classes as 0.0/1.0: softmax takes 0/1, k = 2
        self.data = data
        if data.task not in self.family.tasks:
            raise ValueError(_("the {model} model cannot learn the {task} dataset {name}").format(
                model=config.model, task=data.task, name=repr(data.name)))
        impls = ("manual", "nn") if config.impl == "both" else (config.impl,)
        self.models = {impl: make_model(config, data, impl) for impl in impls}
        # Every parameter of every twin lives in one flat tensor, so each step saves them,
        # sizes them and reads the path in one call each, not one per parameter (measured:
        # 19 µs of a 134 µs C1 epoch went on those per-parameter calls).
        self.flat = _one_buffer(self.models.values())
        self._saved = self.flat.clone()  # the values before the newest update, to undo it
        # Each twin's parameters as detached views: the updates happen in place, so these
        # show the current values at no cost per step (nn.Module lookups are not free).
        self.views = {impl: m.params() for impl, m in self.models.items()}
        self.largest = 0.0        # the largest |parameter| after the newest update
        self.rng = torch.Generator().manual_seed(config.seed)  # the batch order
        self.epoch = 0            # epochs finished
        self.batch = 0            # batches finished in the current epoch
        self.order = None         # the current epoch's batches of row indices
        self.diverged = None
        self.history = History()
        self.updates = 0          # mini-batch updates done
        first = next(iter(self.views.values()))
        self.initial = {k: v.clone() for k, v in first.items()}
        # The (w, b) of a two-parameter model, for the loss landscape: the first twin's are
        # the first two numbers of the flat tensor.
        self.path = ParamPath() if sum(v.numel() for v in first.values()) == 2 else None
        if self.path:
            self.path.append(0, *self.flat[:2].tolist())
        self.schedule = [(0, config.lr)]  # (updates done before it, lr): every lr it used
        both = len(self.models) == 2
        self.max_param_gap = 0.0 if both else None
        self.max_loss_gap = 0.0 if both else None
        self._epoch_loss_gap = 0.0

    @property
    def lrs(self):
        """Every learning rate this run has trained with, in order."""
        return [lr for _updates, lr in self.schedule]

    def set_lr(self, lr):
        """Change the learning rate of a run in progress (remembered in `schedule`)."""
        if lr == self.config.lr:
            return
        self.config = validate(self.config.with_(lr=lr))
        if self.schedule[-1][0] == self.updates:  # no update with the old one yet
            self.schedule[-1] = (self.updates, lr)
        else:
            self.schedule.append((self.updates, lr))
        for model in self.models.values():
            if isinstance(model, torch.nn.Module):        # torch.optim keeps it per group
                for group in model.optimizer.param_groups:
                    group["lr"] = lr
            else:
                model.lr = lr                             # the hand-written update reads it

    def batches(self):
        """This epoch's batches of row indices; None stands for the full set in order."""
        if self.order is None:
            n, size = self.data.y_train.shape[0], self.config.batch_size
            if size >= n:
                self.order = [None]
            else:
                self.order = torch.randperm(n, generator=self.rng).split(size)
        return self.order

    def params(self, impl):
        return self.views[impl]

    def param_gap(self):
        if len(self.models) < 2:
            return None
        return _largest_gap(*self.views.values())

    def evaluate(self, impl):
        """Mean loss and accuracy on both splits, for one twin."""
        d = self.data
        model = self.models[impl]
        train_loss, train_acc, pinned = score(self.family, impl, model, d, d.X_train, d.y_train)
        test_loss = test_acc = None
        if d.X_test is not None:
            test_loss, test_acc, _pinned = score(self.family, impl, model, d, d.X_test, d.y_test)
        return Metrics(train_loss, train_acc, test_loss, test_acc, pinned)


def score(family, impl, model, data, X, y):
    """(mean per-example loss, accuracy, examples at the loss's ceiling) over a split,
    the loss as twin `impl` computes it (the manual twin's by the hand-written functions)."""
    total, correct, pinned, n = 0.0, 0, 0, y.shape[0]  # (len() on a tensor is slower)
    with torch.no_grad():
        for start in range(0, n, EVAL_CHUNK):
            Xc, yc = (X, y) if n <= EVAL_CHUNK else (X[start:start + EVAL_CHUNK],
                                                     y[start:start + EVAL_CHUNK])
            chunk = _chunk_sums(family, impl, model, data.features(Xc), yc)
            total, correct, pinned = total + chunk[0], correct + chunk[1], pinned + chunk[2]
    return total / n, (None if family.labels is None else correct / n), int(pinned)


def _chunk_sums(family, impl, model, X, y):
    """(summed loss, right answers, examples at the loss's ceiling) of one chunk."""
    z = family.logits(model, X)  # one forward pass for every number
    loss = family.losses[impl]
    total = loss(z, y, "sum").item()
    right = int((family.labels(z) == y).sum()) if family.labels else 0
    pinned = 0
    if family.ceiling is not None and total >= family.ceiling:  # else none can be there
        pinned = int((loss(z, y, "none") >= family.ceiling).sum())
    return total, right, pinned


def train(run, num_epochs):
    """Train until `num_epochs` epochs are done: yields Step, EpochEnd or Diverged."""
    run.diverged = None
    while run.epoch < num_epochs:
        for event in _rest_of_epoch(run):
            yield event
            if isinstance(event, Diverged):
                return


def train_one_batch(run):
    """Exactly one mini-batch (and the epoch's end if it was the last): a list of events."""
    run.diverged = None
    events = []
    for event in _rest_of_epoch(run):  # ends after the epoch's end (and a Diverged)
        events.append(event)
        if isinstance(event, Step) and run.batch < len(run.order):
            break
    return events


def _rest_of_epoch(run):
    order = run.batches()
    while run.batch < len(order):
        event = _step(run, order[run.batch], len(order))
        yield event
        if isinstance(event, Diverged):
            return
    previous = run.history.latest
    end = _end_epoch(run)
    yield end
    run.diverged = _out_of_range(run, previous, end)
    if run.diverged:
        yield run.diverged


def next_batch(run):
    """(X, y) of the mini-batch the next update will use, without using it."""
    return _batch(run, run.batches()[run.batch])


def _batch(run, idx):
    d = run.data
    rows = d.X_train if idx is None else d.X_train.index_select(0, idx)  # X[idx], faster on uint8
    return d.features(rows), (d.y_train if idx is None else d.y_train[idx])


def _step(run, idx, num_batches):
    X, y = _batch(run, idx)
    run._saved.copy_(run.flat)
    losses = {impl: m.train_step(X, y).item() for impl, m in run.models.items()}
    largest = _largest(run.flat)  # inf or nan if a parameter overflowed
    if not (math.isfinite(largest) and all(map(math.isfinite, losses.values()))):
        bad = next(impl for impl in run.models
                   if not math.isfinite(losses[impl]) or not _finite(run.views[impl]))
        run.flat.copy_(run._saved)  # undo the step: keep the last good parameters
        run.diverged = _diverged(run, bad, losses[bad], "overflow", math.inf)
        return run.diverged
    run.batch += 1
    run.updates += 1
    run.largest = largest
    if run.path and run.path.wants(run.updates):
        run.path.append(run.updates, *run.flat.tolist()[:2])  # the first twin's (w, b)
    gap = None
    if len(run.views) == 2:
        gap = _largest_gap(*run.views.values())
        run.max_param_gap = max(run.max_param_gap, gap)
        run._epoch_loss_gap = max(run._epoch_loss_gap, _spread(losses.values()))
    return Step(run.epoch + 1, run.batch - 1, num_batches, X, y, losses, gap, y.shape[0])


def _end_epoch(run):
    run.epoch += 1
    run.batch = 0
    run.order = None
    metrics = {impl: run.evaluate(impl) for impl in run.models}
    loss_gap = None
    if run.max_loss_gap is not None:
        loss_gap = max(run._epoch_loss_gap,
                       _spread(m.train_loss for m in metrics.values()),
                       _spread(m.test_loss or 0.0 for m in metrics.values()))
        run.max_loss_gap = max(run.max_loss_gap, loss_gap)
        run._epoch_loss_gap = 0.0
    end = EpochEnd(run.epoch, metrics, run.param_gap(), loss_gap)
    run.history.append(end)
    return end


def _out_of_range(run, previous, end):
    """A Diverged if the epoch left parameters past PARAM_LIMIT, or its loss is pinned:
    examples at the loss's ceiling (BCE's clamp, where their gradient is 0) and a whole
    epoch that changed nothing (the same loss to the bit: no update can move it again)."""
    impl = next(iter(run.models))
    m = end.metrics[impl]
    if run.largest > PARAM_LIMIT:  # measured at the epoch's last update
        return _diverged(run, impl, m.train_loss, "too-large", run.largest, at_epoch_end=True)
    if m.pinned and previous is not None and m.train_loss == previous.metrics[impl].train_loss:
        return _diverged(run, impl, m.train_loss, "pinned", m.pinned, at_epoch_end=True)
    return None


def _diverged(run, impl, loss, reason, detail, at_epoch_end=False):
    epoch, batch = (run.epoch, 0) if at_epoch_end else (run.epoch + 1, run.batch + 1)
    return Diverged(epoch, batch, impl, loss, reason, detail, run.config.lr,
                    run.config.reduction, run.config.standardize)


def divergence_message(event, can_standardize=True):
    """Why training stopped, in words, with the changes that would help.

    `can_standardize`: whether the page offers feature standardization.
    """
    if event.batch:
        where = _("at epoch {epoch}, batch {batch}").format(epoch=event.epoch, batch=event.batch)
    else:
        where = _("at epoch {epoch}").format(epoch=event.epoch)
    if event.reason == "overflow":
        what = _("the loss or the parameters became inf or nan {where}. The learning rate "
                 "{lr} is too large for this data: each update overshoots and the "
                 "numbers overflow float32. The last good parameters are kept.").format(
                     where=where, lr=f"{event.lr:g}")
    elif event.reason == "too-large":
        # TRANSLATORS: {where} is "at epoch 3" or "at epoch 3, batch 2"; it starts the sentence.
        what = _("{where} a parameter reached {value}, past {limit}: each "
                 "update overshoots the minimum further than the last, and the numbers no "
                 "longer mean anything.").format(where=where, value=f"{event.detail:.3g}",
                                                 limit=f"{PARAM_LIMIT:g}")
    else:
        what = _("{where}, {count} training example(s) sit at BCE's clamp: the "
                 "sigmoid gives them exactly ŷ = 0 or 1 on the wrong side, each costs 100 "
                 "(−log 0, clamped), and their gradient is 0: a whole epoch of updates "
                 "left the loss at {loss}. The sigmoid has saturated.").format(
                     where=where, count=int(event.detail), loss=f"{event.loss:.4g}")
    return _("Training stopped: {what} {advice}").format(
        what=what, advice=_advice(event, can_standardize))


def _advice(event, can_standardize):
    changes = [_("Lower the learning rate")]
    if event.reduction == "sum":
        changes.append(_("use the mean reduction (the sum scales each step by the batch size)"))
    if can_standardize and not event.standardized:
        changes.append(_("standardize the features"))
    then = (_("press Reset and Train") if event.reason != "overflow"
            else _("press Train to continue from the last good parameters, or Reset"))
    # TRANSLATORS: the separator between the changes that would help ("A, or B, or C").
    joined = _(", or ").join(changes)
    return _("{changes}; then {then}.").format(changes=joined, then=then)


def _largest_gap(a, b):
    """The largest |a − b| over every parameter of two twins."""
    return max((a[k] - b[k]).abs().max().item() for k in a)


def _one_buffer(models):
    """One flat tensor holding every parameter of `models`, in order: each parameter's
    values are moved into it and the parameter becomes a view of its slice (the same
    Parameter or tensor object, so optimizers and autograd see no change)."""
    params = [p for m in models for p in m.parameters()]
    flat = torch.cat([p.detach().reshape(-1) for p in params])
    start = 0
    for p in params:
        p.data = flat[start:start + p.numel()].view_as(p)
        start += p.numel()
    return flat


def _largest(flat):
    """The largest |parameter|: inf or nan if one overflowed. A small model's few numbers
    are read into Python at once, which costs a tenth of a reduction over them."""
    if flat.numel() > SMALL_MODEL:
        return flat.abs().max().item()
    values = flat.tolist()
    return max(map(abs, values)) if all(map(math.isfinite, values)) else math.inf


def _finite(params):
    return all(bool(torch.isfinite(v).all()) for v in params.values())


def _spread(values):
    values = list(values)
    return max(values) - min(values)
