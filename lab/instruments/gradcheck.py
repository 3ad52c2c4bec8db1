"""The gradient of one batch's loss three ways.

∂L/∂w and ∂L/∂b come from the twin's own loss.backward(), from the formula
derived by hand, and from central finite differences of PyTorch's loss in
float64. When the three agree, both the derivation and backward() are right.
Nothing here changes the model: it works on a copy of it, or of its parameters.
"""
import copy
from dataclasses import dataclass

import torch
from torch import nn

from lab.models import FAMILIES

FD_STEP = 1e-6          # h in (L(θ + h) − L(θ − h)) / 2h; float64 keeps the rounding ~1e-10
MAX_FD_ENTRIES = 2000   # more parameters than this: finite differences check an even subset
FD_BUDGET = 8e9         # multiply-adds for all of them (~1 s here): fewer entries for big batches


@dataclass
class GradCheck:
    """∂L/∂weight and ∂L/∂bias three ways, each a dict like model.params()."""

    loss: float          # the batch loss, with the model's reduction
    autograd: dict       # from the twin's own loss.backward()
    formula: dict        # from the hand-derived formula
    finite_diff: dict    # float64; nan for entries not checked (see MAX_FD_ENTRIES)
    gaps: dict           # "autograd vs formula" etc. → largest relative gap
    max_gap: float       # the largest of them


def family_of(model):
    """The Family whose twin `model` is."""
    for family in FAMILIES.values():
        if type(model) in family.twins.values():
            return family
    raise ValueError(f"not a model of the lab: {type(model).__name__}")


def reduction_of(model):
    """The twin's loss reduction, mean or sum: the nn twin's criterion holds it."""
    return model.criterion.reduction if isinstance(model, nn.Module) else model.reduction


def logits_at(family, W, b, X):
    """z = X·Wᵀ + b at parameters W (k, d) and b (k,), shaped as the family's twins give it."""
    z = X @ W.T + b                                        # (n, k)
    return z if family.multiclass else z.reshape(-1)       # (n,): one output per example


def by_autograd(model, X, y):
    """(loss, gradients) from the twin's own forward, loss and backward(), on a copy of it."""
    twin = copy.deepcopy(model)
    for p in twin.parameters():
        p.grad = None                                      # backward() adds to what is there
    loss = twin.loss(X, y)
    loss.backward()
    grads = [p.grad for p in twin.parameters()]            # weight, then bias
    return loss.item(), dict(zip(("weight", "bias"), grads))


def by_formula(family, params, X, y, reduction):
    """The gradient derived by hand: the error of each example times its x.

    logistic, BCE after σ:    ∂L/∂w = mean((ŷ − y)·x),    ∂L/∂b = mean(ŷ − y)
    softmax, cross-entropy:   ∂L/∂W = (P − Y)ᵀX / n,      ∂L/∂b = mean(P − Y)
    linear, MSE:              ∂L/∂w = 2·mean((ŷ − y)·x),  ∂L/∂b = 2·mean(ŷ − y)
    With sum reduction: the sums, not the means. Y is y one-hot.
    """
    z = logits_at(family, params["weight"], params["bias"], X)
    error = family.error(z, y).reshape(len(X), -1)         # (n, k)
    n = len(X) if reduction == "mean" else 1
    return {"weight": error.T @ X / n, "bias": error.sum(dim=0) / n}


def by_finite_differences(family, params, X, y, reduction, max_entries=MAX_FD_ENTRIES):
    """(L(θ + h) − L(θ − h)) / 2h for each entry θ of the parameters, in float64.

    L is PyTorch's own loss (torch.nn.functional's, as the nn twin computes it).
    """
    loss = family.losses["nn"]
    X = X.double()
    y = y if family.multiclass else y.double()            # class numbers stay int64
    theta = {k: v.detach().double().clone() for k, v in params.items()}
    grads = {k: torch.full_like(v, float("nan")) for k, v in theta.items()}
    for name, i in _entries(theta, max_entries):
        entry = theta[name].view(-1)
        saved = entry[i].item()
        losses = []
        for shift in (FD_STEP, -FD_STEP):
            entry[i] = saved + shift
            z = logits_at(family, theta["weight"], theta["bias"], X)
            losses.append(loss(z, y, reduction).item())
        entry[i] = saved
        grads[name].view(-1)[i] = (losses[0] - losses[1]) / (2 * FD_STEP)
    return grads


def _entries(theta, max_entries):
    """Every (parameter name, flat index), or an evenly spaced `max_entries` of them."""
    pairs = [(name, i) for name, v in theta.items() for i in range(v.numel())]
    if len(pairs) <= max_entries:
        return pairs
    keep = torch.linspace(0, len(pairs) - 1, max_entries).round().long().unique()
    return [pairs[i] for i in keep.tolist()]


def relative_gap(a, b):
    """Largest |a − b| of any entry, relative to the largest |gradient| of its parameter.

    Relative to the parameter's scale, not entry by entry: an entry near 0 is
    the difference of larger terms, and float32 rounds those terms.
    """
    worst = 0.0
    for name in a:
        x, y = a[name].double(), b[name].double()
        both = ~(x.isnan() | y.isnan())                    # entries finite differences checked
        x, y = x[both], y[both]
        if x.numel():
            scale = max(x.abs().max().item(), y.abs().max().item(), 1e-12)
            worst = max(worst, (x - y).abs().max().item() / scale)
    return worst


def check_gradients(model, X, y):
    """The gradient of the model's loss on the batch (X, y), three ways, and their gaps."""
    family, reduction = family_of(model), reduction_of(model)
    params = {k: v.detach() for k, v in model.params().items()}
    loss, autograd = by_autograd(model, X, y)
    formula = by_formula(family, params, X, y, reduction)
    per_entry = 2 * X.numel() * params["bias"].numel()    # two losses: X @ Wᵀ each time
    entries = max(100, min(MAX_FD_ENTRIES, int(FD_BUDGET // per_entry)))
    finite_diff = by_finite_differences(family, params, X, y, reduction, entries)
    gaps = {"autograd vs formula": relative_gap(autograd, formula),
            "autograd vs finite differences": relative_gap(autograd, finite_diff),
            "formula vs finite differences": relative_gap(formula, finite_diff)}
    return GradCheck(loss, autograd, formula, finite_diff, gaps, max(gaps.values()))
