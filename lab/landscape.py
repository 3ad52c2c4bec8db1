"""The loss landscape of linear regression: MSE as a function of the parameters."""
import torch


def mse_surface(X, y, w_range, b_range=None, steps=101, b=0.0, reduction="mean"):
    """The MSE of ŷ = x·w + b on a grid of parameters, for data with one feature.

    b_range None: (ws, losses) with losses[i] the MSE at w = ws[i] and b fixed.
    Otherwise:    (ws, bs, losses) with losses[j, i] the MSE at (ws[i], bs[j]),
                  rows along b and columns along w, as a contour plot takes them.
    """
    if X.dim() != 2 or X.shape[1] != 1:
        raise ValueError(f"the loss landscape needs one feature, got X of shape {list(X.shape)}")
    x = X.reshape(-1).float()                             # (n,)
    ws = torch.linspace(w_range[0], w_range[1], steps)    # (steps,)
    if b_range is None:
        y_hat = ws[:, None] * x + b                       # (steps, n)
        return ws, _reduce((y_hat - y) ** 2, reduction)
    bs = torch.linspace(b_range[0], b_range[1], steps)    # (steps,)
    y_hat = ws[None, :, None] * x + bs[:, None, None]     # (steps_b, steps_w, n)
    return ws, bs, _reduce((y_hat - y) ** 2, reduction)


def _reduce(squared, reduction):
    """Mean or sum over the last axis, the examples."""
    return squared.sum(dim=-1) if reduction == "sum" else squared.mean(dim=-1)


def mse_along(X, y, ws, bs, reduction="mean"):
    """The MSE at each point (ws[k], bs[k]) of a path, shape (k,), for one feature."""
    x = X.reshape(-1).float()                             # (n,)
    y_hat = ws[:, None] * x + bs[:, None]                 # (k, n)
    return _reduce((y_hat - y) ** 2, reduction)


def least_squares(X, y):
    """(w, b) of the best line through one-feature data: where the MSE is lowest."""
    A = torch.cat([X.reshape(-1, 1).float(), torch.ones(len(y), 1)], dim=1)   # (n, 2)
    w, b = torch.linalg.lstsq(A, y.reshape(-1, 1)).solution.reshape(-1).tolist()
    return w, b


def bce_surface(X, y, w_range, b_range, steps=61, reduction="mean"):
    """(ws, bs, losses): the BCE of ŷ = σ(x·w + b) on a grid, losses[j, i] at (ws[i], bs[j])."""
    from lab.functions import bce_per_example, sigmoid

    x = X.reshape(-1).float()                             # (n,)
    ws = torch.linspace(w_range[0], w_range[1], steps)    # (steps,)
    bs = torch.linspace(b_range[0], b_range[1], steps)
    z = ws[None, :, None] * x + bs[:, None, None]         # (steps_b, steps_w, n)
    losses = bce_per_example(sigmoid(z), y.expand_as(z))
    return ws, bs, _reduce(losses, reduction)


def loss_along_line(model, X, y, start, end, ts):
    """The mean loss at start + t·(end − start) for each t, on a copy of `model`.

    For models with many parameters: the loss on the straight line from the
    initial to the current parameters (t = 0 and t = 1) and a little beyond.
    """
    import copy

    probe = copy.deepcopy(model)
    losses = []
    with torch.no_grad():
        for t in ts:
            for k, p in probe.params().items():
                p.copy_(start[k] + t * (end[k] - start[k]))
            losses.append(probe.loss(X, y, reduction="mean").item())
    return losses
