"""The notes' per-sample printout for a one-feature linear regression run (C6).

The training loop reports each update after it happened; this keeps the
parameters before it, so the page can print, per sample, what the notes
print with `print('grad:', x, y, w.grad.item())`. (The road over (w, b)
needs nothing extra: a two-parameter Run keeps it in `run.path`.)
"""
from collections import deque

import torch

MAX_SAMPLES = 200  # newest per-sample rows kept for the grad table


class LinearTrace:
    """The newest samples the updates saw, each with the (w, b) before its update."""

    def __init__(self, w, b):
        self.updates = 0
        self.samples = deque(maxlen=MAX_SAMPLES)  # (epoch, update, x, y, w, b)
        self.w, self.b = w, b                     # where the next update starts from

    def record(self, epoch, X, y, w, b):
        """One update on the batch (X, y) that moved the parameters to (w, b)."""
        self.updates += 1
        for x_i, y_i in zip(X.reshape(-1).tolist(), y.tolist()):
            self.samples.append((epoch, self.updates, x_i, y_i, self.w, self.b))
        self.w, self.b = w, b


def sample_grads(samples):
    """Per sample: ŷ = w·x + b, the loss ℓ = (ŷ − y)², and ∂ℓ/∂w, ∂ℓ/∂b by autograd.

    One row per sample, as dicts; each sample gets its own copy of (w, b), so one
    backward() fills every row's grads at once (row i's loss only touches copy i).
    """
    if not samples:
        return []
    epoch, update, x, y, w, b = (list(col) for col in zip(*samples))
    w_ = torch.tensor(w, requires_grad=True)        # (n,) the w each sample saw
    b_ = torch.tensor(b, requires_grad=True)        # (n,)
    y_hat = w_ * torch.tensor(x) + b_               # forward
    loss = (y_hat - torch.tensor(y)) ** 2           # ℓ per sample
    loss.sum().backward()                           # backward: w_.grad[i] = ∂ℓᵢ/∂w
    return [{"epoch": e, "update": u, "x": xi, "y": yi, "w": wi, "b": bi,
             "ŷ": yh, "loss": li, "grad_w": gw, "grad_b": gb}
            for e, u, xi, yi, wi, bi, yh, li, gw, gb in zip(
                epoch, update, x, y, w, b, y_hat.tolist(), loss.tolist(),
                w_.grad.tolist(), b_.grad.tolist())]


def road(run):
    """(updates, ws, bs): the (w, b) of a two-parameter run from its start to now."""
    points = list(run.path.points)
    if points[-1][0] != run.updates:  # thinned away: the newest point still belongs on it
        first = next(iter(run.models.values())).params()
        points.append((run.updates, first["weight"].item(), first["bias"].item()))
    updates, ws, bs = zip(*points)
    return list(updates), torch.tensor(ws), torch.tensor(bs)
