"""What a one-feature linear regression run went through, update by update (C6).

The training loop reports each update after it happened; this keeps the
parameters before it, so the page can print the notes' per-sample grads
("grad: x y w.grad") and draw the road gradient descent took over (w, b).
"""
from collections import deque

import torch

MAX_PATH = 2000   # (w, b) points kept: thinned, like History, so the start is never lost
MAX_SAMPLES = 200  # newest per-sample rows kept for the grad table


class LinearTrace:
    """The (w, b) after every update (thinned when long) and the newest samples seen."""

    def __init__(self, w, b):
        self.updates = 0
        self.stride = 1
        self.path = [(0, w, b)]                     # (update, w, b)
        self.samples = deque(maxlen=MAX_SAMPLES)    # (epoch, update, x, y, w, b) before it
        self.w, self.b = w, b                       # the parameters the next update starts from

    def record(self, epoch, X, y, w, b):
        """One update on the batch (X, y) that moved the parameters to (w, b)."""
        self.updates += 1
        for x_i, y_i in zip(X.reshape(-1).tolist(), y.tolist()):
            self.samples.append((epoch, self.updates, x_i, y_i, self.w, self.b))
        self.w, self.b = w, b
        if self.updates % self.stride == 0:
            self.path.append((self.updates, w, b))
        if len(self.path) > MAX_PATH:  # keep every second point, and from now on every 2nd
            self.stride *= 2
            self.path = [p for p in self.path if p[0] % self.stride == 0]

    def road(self):
        """(updates, ws, bs) from the start to the current parameters."""
        path = self.path if self.path[-1][0] == self.updates else \
            self.path + [(self.updates, self.w, self.b)]
        updates, ws, bs = zip(*path)
        return list(updates), torch.tensor(ws), torch.tensor(bs)


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
