"""Model families: everything the lab knows about one, in one place.

A Family holds its twins, the tasks it learns, its loss as each twin computes
it, its gradient by formula, its accuracy rule, and the words and code the
step-through and the exported script are written from. A new family (a probit,
softmax with L2) is its two twins and one entry in FAMILIES.
"""
from dataclasses import dataclass
from typing import Callable

import torch
from torch.nn import functional as F

from lab.i18n import N_
from lab.models import functions
from lab.models.functions import LOG_FLOOR, bce, cross_entropy, mse, sigmoid
from lab.models.linear import LinearManual, LinearNN
from lab.models.logistic import LogisticManual, LogisticNN
from lab.models.softmax import SoftmaxManual, SoftmaxNN


@dataclass(frozen=True)
class StepText:
    """What the step-through says of the family."""

    forward: str             # the forward pass, in words (N_: translated where shown)
    gradient: str            # ∂L/∂w and ∂L/∂b of the mean, in LaTeX (a sum has no 1/N)


@dataclass(frozen=True)
class ExportCode:
    """What the exported script is written from (lab.export.model)."""

    weight: str              # the weight's name: w, shape (1, d), or W, shape (k, d)
    outputs: str             # its number of rows: "1" or "NUM_CLASSES"
    forward: str             # the function the training cycle calls: forward or logits_of
    doc: str                 # its docstring
    returns: dict            # impl → the expression it returns
    output: str              # what it gives: y_hat or logits
    predict: str | None      # the labels of a chunk Xc; None: no accuracy
    loss_names: tuple        # the loss's names: hand-written, torch.nn, torch.nn.functional
    hand_loss: tuple         # the manual twin's loss, as parts of lab.models.functions
    hand_model: tuple = ()   # its model's own parts, likewise (a str names a constant)


@dataclass(frozen=True)
class Family:
    """One model family: its twins and all the lab needs to know about it."""

    twins: dict              # impl → class: manual (hand-written) and nn (torch.nn)
    tasks: tuple             # the dataset tasks it can learn
    logits: Callable         # (model, X) → z = X·Wᵀ + b, what the losses and labels take
    losses: dict             # impl → loss(z, y, reduction) as that twin computes it; nn's,
                             # by torch.nn.functional, is the gradient check's oracle
    error: Callable          # (z, y) → ∂ℓ/∂z of each example: the formula's error term
    labels: Callable | None  # z → labels; None: no accuracy (regression)
    step: StepText           # what the step-through says
    export: ExportCode       # what the exported script is written from
    multiclass: bool = False         # takes num_classes
    ceiling: float | None = None     # a per-example loss where its gradient is 0 (a clamp)


LOGISTIC = Family(
    twins={"manual": LogisticManual, "nn": LogisticNN},
    tasks=("binary",),
    logits=lambda model, X: model.logits(X),                        # (n,)
    losses={"manual": lambda z, y, r: bce(sigmoid(z), y, r),
            "nn": lambda z, y, r: F.binary_cross_entropy(torch.sigmoid(z), y, reduction=r)},
    error=lambda z, y: torch.sigmoid(z) - y,                        # ŷ − y
    labels=lambda z: (torch.sigmoid(z) > 0.5).float(),              # class 1 where ŷ > 0.5
    step=StepText(
        forward=N_("z = w·x + b for each example, then ŷ = σ(z), the probability of class 1"),
        gradient=r"\frac{\partial L}{\partial w}=\frac{1}{N}\sum_n(\hat y_n-y_n)\,x_n,\quad"
                 r"\frac{\partial L}{\partial b}=\frac{1}{N}\sum_n(\hat y_n-y_n)"),
    export=ExportCode(
        weight="w", outputs="1", forward="forward",
        doc="ŷ = σ(X·wᵀ + b): the probability of class 1, shape (n,).",
        returns={"manual": "sigmoid((X @ w.T + b).reshape(-1))",
                 "nn": "torch.sigmoid(model(X).reshape(-1))"},
        output="y_hat", predict="(forward(Xc) > 0.5).float()",
        loss_names=("bce", "nn.BCELoss", "F.binary_cross_entropy"),
        hand_loss=("LOG_FLOOR", "GRAD_EPS", functions.BinaryCrossEntropy,
                   functions.bce_per_example, functions.bce),
        hand_model=(functions.Sigmoid, functions.sigmoid)),
    ceiling=-LOG_FLOOR)  # BCE's clamped log: ŷ = 0 or 1 on the wrong side costs 100

SOFTMAX = Family(
    twins={"manual": SoftmaxManual, "nn": SoftmaxNN},
    tasks=("multiclass",),
    logits=lambda model, X: model.logits(X),                        # (n, k)
    losses={"manual": cross_entropy,
            "nn": lambda z, y, r: F.cross_entropy(z, y, reduction=r)},
    error=lambda z, y: torch.softmax(z, dim=1) - F.one_hot(y, z.shape[1]),  # P − Y
    labels=lambda z: z.argmax(dim=1),                               # the most probable class
    step=StepText(
        forward=N_("a row of scores z = W·x + b for each example (one per class), then "
                   "ŷ = softmax(z), the probability of each class"),
        gradient=r"\frac{\partial L}{\partial W}=\frac{1}{N}(P-Y)^\top X,\quad"
                 r"\frac{\partial L}{\partial b}=\frac{1}{N}\sum_n(p_n-y_n)"),
    export=ExportCode(
        weight="W", outputs="NUM_CLASSES", forward="logits_of",
        doc="One score per class, z = X·Wᵀ + b, shape (n, k).",
        returns={"manual": "X @ W.T + b", "nn": "model(X)"},
        output="logits", predict="logits_of(Xc).argmax(dim=1)",
        loss_names=("cross_entropy", "nn.CrossEntropyLoss", "F.cross_entropy"),
        hand_loss=(functions.row_max, functions.log_softmax,
                   functions.cross_entropy_per_example, functions.cross_entropy)),
    multiclass=True)

LINEAR = Family(
    twins={"manual": LinearManual, "nn": LinearNN},
    tasks=("regression",),
    logits=lambda model, X: model.forward(X),                       # ŷ = z: no link
    losses={"manual": mse,
            "nn": lambda z, y, r: F.mse_loss(z, y, reduction=r)},
    error=lambda z, y: 2 * (z - y),                                 # 2(ŷ − y)
    labels=None,
    step=StepText(
        forward=N_("ŷ = w·x + b for each example: the prediction is the score itself"),
        gradient=r"\frac{\partial L}{\partial w}=\frac{2}{N}\sum_n(\hat y_n-y_n)\,x_n,\quad"
                 r"\frac{\partial L}{\partial b}=\frac{2}{N}\sum_n(\hat y_n-y_n)"),
    export=ExportCode(
        weight="w", outputs="1", forward="forward", doc="ŷ = X·wᵀ + b, shape (n,).",
        returns={"manual": "(X @ w.T + b).reshape(-1)", "nn": "model(X).reshape(-1)"},
        output="y_hat", predict=None,
        loss_names=("mse", "nn.MSELoss", "F.mse_loss"),
        hand_loss=(functions.mse,)))

FAMILIES = {"logistic": LOGISTIC, "linear": LINEAR, "softmax": SOFTMAX}


def make_model(config, data, impl):
    """A fresh twin `impl` for `config`, sized for `data`."""
    family = FAMILIES[config.model]
    kwargs = dict(lr=config.lr, reduction=config.reduction, init=config.init, seed=config.seed)
    if family.multiclass:
        kwargs["num_classes"] = data.num_classes
    return family.twins[impl](data.num_features, **kwargs)
