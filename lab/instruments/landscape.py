"""Loss landscapes: the MSE (linear regression) and the BCE (logistic) over a grid of
(w, b), and for bigger models the loss along the line from one point to another.

The MSE is computed in float64: a diverging run's road reaches w ~ 1e19, where
(ŷ − y)² overflows float32 to inf, and a chart cannot draw inf.
"""
import copy

import torch

from lab.models.functions import bce_per_example, sigmoid

F64 = torch.float64


def mse_surface(X, y, w_range, b_range=None, steps=101, b=0.0, reduction="mean"):
    """The MSE of ŷ = x·w + b on a grid of parameters, for data with one feature.

    b_range None: (ws, losses) with losses[i] the MSE at w = ws[i] and b fixed.
    Otherwise:    (ws, bs, losses) with losses[j, i] the MSE at (ws[i], bs[j]),
                  rows along b and columns along w, as a contour plot takes them.
    """
    if X.dim() != 2 or X.shape[1] != 1:
        raise ValueError(f"the loss landscape needs one feature, got X of shape {list(X.shape)}")
    x, y = X.reshape(-1).to(F64), y.to(F64)               # (n,)
    ws = _grid(w_range, steps)                            # (steps,)
    if b_range is None:
        y_hat = ws[:, None] * x + b                       # (steps, n)
        return ws, _reduce((y_hat - y) ** 2, reduction)
    bs = _grid(b_range, steps)                            # (steps,)
    y_hat = ws[None, :, None] * x + bs[:, None, None]     # (steps_b, steps_w, n)
    return ws, bs, _reduce((y_hat - y) ** 2, reduction)


def _grid(value_range, steps):
    """`steps` evenly spaced float64 values over the range (its ends may be huge ints)."""
    lo, hi = (float(v) for v in value_range)
    return torch.linspace(lo, hi, steps, dtype=F64)


def _reduce(squared, reduction):
    """Mean or sum over the last axis, the examples."""
    return squared.sum(dim=-1) if reduction == "sum" else squared.mean(dim=-1)


def mse_along(X, y, ws, bs, reduction="mean"):
    """The MSE at each point (ws[k], bs[k]) of a path, shape (k,), for one feature."""
    x, y = X.reshape(-1).to(F64), y.to(F64)               # (n,)
    ws, bs = ws.to(F64), bs.to(F64)                       # (k,)
    y_hat = ws[:, None] * x + bs[:, None]                 # (k, n)
    return _reduce((y_hat - y) ** 2, reduction)


def least_squares(X, y):
    """(w, b) of the best line through one-feature data: where the MSE is lowest."""
    A = torch.cat([X.reshape(-1, 1).float(), torch.ones(len(y), 1)], dim=1)   # (n, 2)
    w, b = torch.linalg.lstsq(A, y.reshape(-1, 1)).solution.reshape(-1).tolist()
    return w, b


def largest_stable_lr(X, y, reduction="mean"):
    """2 / λ_max: full-batch gradient descent on the MSE converges for lr below it.

    The loss is a bowl with Hessian H = 2·AᵀA (÷ n for the mean), A = [x, 1]. Along
    H's steepest direction an update multiplies the distance to the best fit by
    (1 − lr·λ_max): beyond 2 / λ_max that is below −1, and every step overshoots more.
    """
    A = torch.cat([X.reshape(-1, 1).to(F64), torch.ones(len(y), 1, dtype=F64)], dim=1)
    hessian = 2 * A.T @ A                                 # (2, 2)
    if reduction == "mean":
        hessian = hessian / len(y)
    return 2 / torch.linalg.eigvalsh(hessian).max().item()


def bce_surface(X, y, w_range, b_range, steps=61, reduction="mean"):
    """(ws, bs, losses): the BCE of ŷ = σ(x·w + b) on a grid, losses[j, i] at (ws[i], bs[j])."""
    x = X.reshape(-1).float()                             # (n,)
    ws = _grid(w_range, steps).float()                    # (steps,)
    bs = _grid(b_range, steps).float()
    z = ws[None, :, None] * x + bs[:, None, None]         # (steps_b, steps_w, n)
    losses = bce_per_example(sigmoid(z), y.expand_as(z))
    return ws, bs, _reduce(losses, reduction)


def loss_along_line(model, X, y, start, end, ts):
    """The mean loss at start + t·(end − start) for each t, on a copy of `model`.

    For models with many parameters: the loss on the straight line from the
    initial to the current parameters (t = 0 and t = 1) and a little beyond.
    """
    probe = copy.deepcopy(model)
    losses = []
    with torch.no_grad():
        for t in ts:
            for k, p in probe.params().items():
                p.copy_(start[k] + t * (end[k] - start[k]))
            losses.append(probe.loss(X, y, reduction="mean").item())
    return losses
