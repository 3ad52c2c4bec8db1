"""The gradient three ways, and one training step told in the course's four stages.

For one mini-batch, ∂L/∂w and ∂L/∂b come from autograd, from the formula
derived by hand, and from central finite differences in float64. When the
three agree, both the derivation and backward() are right. Nothing here
changes the model: every computation works on copies of its parameters.
"""
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from lab.models import FAMILIES

FD_STEP = 1e-6          # h in (L(θ + h) − L(θ − h)) / 2h; float64 keeps the rounding ~1e-10
MAX_FD_ENTRIES = 2000   # more parameters than this: finite differences check an even subset
FD_BUDGET = 8e9         # multiply-adds for all of them (~1 s here): fewer entries for big batches


@dataclass
class GradCheck:
    """∂L/∂weight and ∂L/∂bias three ways, each a dict like model.params()."""

    loss: float          # the batch loss, with the model's reduction
    autograd: dict       # from loss.backward()
    formula: dict        # from the hand-derived formula
    finite_diff: dict    # float64; nan for entries not checked (see MAX_FD_ENTRIES)
    gaps: dict           # "autograd vs formula" etc. → largest relative gap
    max_gap: float       # the largest of them


def family_of(model):
    """The family of a twin: logistic, softmax or linear."""
    for name, family in FAMILIES.items():
        if type(model) in family.twins.values():
            return name
    raise ValueError(f"not a model of the lab: {type(model).__name__}")


def reduction_of(model):
    """The twin's loss reduction: mean or sum."""
    return model.reduction if hasattr(model, "reduction") else model.criterion.reduction


def loss_at(family, W, b, X, y, reduction="mean"):
    """The family's loss at parameters W (k, d) and b (k,), by PyTorch's own functions."""
    z = X @ W.T + b                                        # (n, k)
    if family == "softmax":
        return F.cross_entropy(z, y, reduction=reduction)
    z = z.reshape(-1)                                      # (n,): one output per example
    if family == "logistic":
        return F.binary_cross_entropy(torch.sigmoid(z), y, reduction=reduction)
    return F.mse_loss(z, y, reduction=reduction)


def by_autograd(family, params, X, y, reduction):
    """(loss, gradients) from loss.backward() on a copy of the parameters."""
    W = params["weight"].detach().clone().requires_grad_()
    b = params["bias"].detach().clone().requires_grad_()
    loss = loss_at(family, W, b, X, y, reduction)
    loss.backward()
    return loss.item(), {"weight": W.grad, "bias": b.grad}


def by_formula(family, params, X, y, reduction):
    """The gradient derived by hand: the error of each example times its x.

    logistic, BCE after σ:    ∂L/∂w = mean((ŷ − y)·x),    ∂L/∂b = mean(ŷ − y)
    softmax, cross-entropy:   ∂L/∂W = (P − Y)ᵀX / n,      ∂L/∂b = mean(P − Y)
    linear, MSE:              ∂L/∂w = 2·mean((ŷ − y)·x),  ∂L/∂b = 2·mean(ŷ − y)
    With sum reduction: the sums, not the means. Y is y one-hot.
    """
    W, b = params["weight"], params["bias"]
    z = X @ W.T + b                                        # (n, k)
    if family == "softmax":
        error = torch.softmax(z, dim=1) - F.one_hot(y, len(b))   # P − Y, (n, k)
    elif family == "logistic":
        error = torch.sigmoid(z) - y.reshape(-1, 1)        # ŷ − y, (n, 1)
    else:
        error = 2 * (z - y.reshape(-1, 1))                 # 2(ŷ − y), (n, 1)
    n = len(X) if reduction == "mean" else 1
    return {"weight": error.T @ X / n, "bias": error.sum(dim=0) / n}


def by_finite_differences(family, params, X, y, reduction, max_entries=MAX_FD_ENTRIES):
    """(L(θ + h) − L(θ − h)) / 2h for each entry θ of the parameters, in float64."""
    X = X.double()
    y = y if family == "softmax" else y.double()
    theta = {k: v.detach().double().clone() for k, v in params.items()}
    grads = {k: torch.full_like(v, float("nan")) for k, v in theta.items()}
    for name, i in _entries(theta, max_entries):
        entry = theta[name].view(-1)
        saved = entry[i].item()
        losses = []
        for shift in (FD_STEP, -FD_STEP):
            entry[i] = saved + shift
            losses.append(loss_at(family, theta["weight"], theta["bias"], X, y, reduction).item())
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
    loss, autograd = by_autograd(family, params, X, y, reduction)
    formula = by_formula(family, params, X, y, reduction)
    per_entry = 2 * X.numel() * params["bias"].numel()    # two losses: X @ Wᵀ each time
    entries = max(100, min(MAX_FD_ENTRIES, int(FD_BUDGET // per_entry)))
    finite_diff = by_finite_differences(family, params, X, y, reduction, entries)
    gaps = {"autograd vs formula": relative_gap(autograd, formula),
            "autograd vs finite differences": relative_gap(autograd, finite_diff),
            "formula vs finite differences": relative_gap(formula, finite_diff)}
    return GradCheck(loss, autograd, formula, finite_diff, gaps, max(gaps.values()))


def step_explained(model, X, y, lr):
    """One training step on (X, y) in the four stages, as plain numbers; the model is untouched.

    forward:  z and ŷ per example (for softmax, a row of logits and probabilities)
    loss:     per example, and the batch loss with the model's reduction
    backward: ∂L/∂w and ∂L/∂b three ways, and the largest gap between them
    update:   for weight and bias: w, lr·∂L/∂w and w − lr·∂L/∂w (autograd's gradient,
              the one train_step uses)
    """
    family = family_of(model)
    params = {k: v.detach() for k, v in model.params().items()}
    check = check_gradients(model, X, y)
    with torch.no_grad():
        z, y_hat = model.logits(X), model.forward(X)
        per_example = loss_at(family, params["weight"], params["bias"], X, y, "none")
    return {
        "forward": {"z": z.tolist(), "y_hat": y_hat.tolist()},
        "loss": {"per_example": per_example.tolist(), "reduction": reduction_of(model),
                 "value": check.loss},
        "backward": {"autograd": _lists(check.autograd), "formula": _lists(check.formula),
                     "finite_diff": _lists(check.finite_diff), "gaps": check.gaps,
                     "max_gap": check.max_gap},
        "update": {name: _update(params[name], lr * check.autograd[name], name, model)
                   for name in params},
    }


def _update(before, step, name, model):
    """{"before": w, "step": lr·∂L/∂w, "after": w − lr·∂L/∂w}, as lists."""
    if name == "bias" and not _learns_bias(model):
        step = torch.zeros_like(step)                      # the notes' ŷ = x·w: b stays 0
    return {"before": before.tolist(), "step": step.tolist(), "after": (before - step).tolist()}


def _learns_bias(model):
    """False for the linear twins built with bias=False."""
    if hasattr(model, "linear"):
        return model.linear.bias is not None
    return model.b.requires_grad


def _lists(grads):
    return {k: v.tolist() for k, v in grads.items()}
