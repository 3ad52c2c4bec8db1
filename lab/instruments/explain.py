"""Per-example explanations: the numbers behind a loss, ready to show in a table."""

import torch

from lab.models.functions import (LOG_FLOOR, bce_per_example, cross_entropy_per_example, mse,
                           sigmoid, softmax)

# C7: the slides' mini-batch table, four examples: the labels y and the model's ŷ
SLIDES_Y, SLIDES_Y_HAT = (1.0, 1.0, 0.0, 0.0), (0.2, 0.8, 0.3, 0.7)


def bce_terms(y_hat, y):
    """Columns of the worked BCE: y, ŷ, y·log ŷ, (1 − y)·log(1 − ŷ), loss; and the mean.

    The logs are clamped at −100 exactly as nn.BCELoss does, so ŷ = 0 or 1
    shows the finite value BCE really uses.
    """
    y_hat, y = y_hat.detach().float(), y.detach().float()
    log_p = torch.clamp(torch.log(y_hat), min=LOG_FLOOR)
    log_q = torch.clamp(torch.log1p(-y_hat), min=LOG_FLOOR)
    losses = bce_per_example(y_hat, y)
    columns = {
        "y": y.tolist(),
        "ŷ": y_hat.tolist(),
        "y·log ŷ": (y * log_p + 0.0).tolist(),  # + 0.0 turns 0·log ŷ = −0.0 into 0.0
        "(1−y)·log(1−ŷ)": ((1 - y) * log_q + 0.0).tolist(),
        "loss": (losses + 0.0).tolist(),
    }
    return columns, losses.mean().item()


def bce_table(model, X, y, feature_names, max_rows=None):
    """The worked BCE for a batch under the model's current parameters.

    Columns: each feature, y, z = w·x + b, ŷ = σ(z), the two terms, the loss;
    plus the mean over every row of the batch (not only the rows shown).
    """
    with torch.no_grad():
        z = model.logits(X)
        y_hat = model.forward(X)
    terms, mean = bce_terms(y_hat, y)
    n = len(y) if max_rows is None else min(max_rows, len(y))
    columns = {name: X[:n, j].tolist() for j, name in enumerate(feature_names)}
    columns["y"] = terms.pop("y")[:n]
    columns["z = w·x + b"] = z[:n].tolist()
    columns.update({k: v[:n] for k, v in terms.items()})
    return columns, mean


def clamped_rows(y_hat, y):
    """Indices where BCE's log is below −100 (log 0 = −∞): those examples cost 100."""
    y_hat, y = y_hat.detach().float(), y.detach().float()
    p_true = torch.where(y == 1, y_hat, 1 - y_hat)  # the probability given to the label
    return torch.nonzero(torch.log(p_true) < LOG_FLOOR).reshape(-1).tolist()


def bce_curves(steps=199):
    """(ŷ, −log ŷ, −log(1 − ŷ)): one example's BCE when y = 1 and when y = 0."""
    y_hat = torch.linspace(0.005, 0.995, steps)
    ones, zeros = torch.ones_like(y_hat), torch.zeros_like(y_hat)
    return y_hat, bce_per_example(y_hat, ones), bce_per_example(y_hat, zeros)


def mse_vs_bce_gradients(z, y=1.0):
    """Columns z, ŷ = σ(z), both losses and d loss / dz by autograd, for label y.

    With y = 1 and z ≪ 0 (confidently wrong), MSE's gradient 2(ŷ − y)·ŷ(1 − ŷ)
    vanishes while BCE's, ŷ − y, stays near −1: BCE keeps learning.
    """
    z = z.detach().float().clone().requires_grad_()     # (n,) one example per z
    y = torch.full_like(z, y)
    y_hat = sigmoid(z)
    mse_loss = mse(y_hat, y, reduction="sum")           # a sum: each z gets its own gradient
    bce_loss = bce_per_example(y_hat, y).sum()
    d_mse, = torch.autograd.grad(mse_loss, z, retain_graph=True)
    d_bce, = torch.autograd.grad(bce_loss, z)
    with torch.no_grad():
        return {"z": z.tolist(), "ŷ": y_hat.tolist(),
                "MSE": ((y_hat - y) ** 2).tolist(),
                "BCE": bce_per_example(y_hat, y).tolist(),
                "dMSE/dz": d_mse.tolist(), "dBCE/dz": d_bce.tolist()}


def cross_entropy_table(model, X, y, max_rows=None):
    """The worked cross-entropy of a batch under the model's current parameters.

    Returns (rows, mean). rows: for the first `max_rows` examples, the logits
    z (n, k), the probabilities softmax(z) (n, k), p of the true class (n,)
    and the loss −log p of the true class (n,). mean: the loss averaged over
    every row of the batch, what nn.CrossEntropyLoss returns.
    """
    with torch.no_grad():
        logits = model.logits(X)                          # (n, k)
        probs = softmax(logits)                           # (n, k), rows sum to 1
        losses = cross_entropy_per_example(logits, y)     # (n,), from log_softmax: no log 0
    n = len(y) if max_rows is None else min(max_rows, len(y))
    p_true = probs.gather(1, y.view(-1, 1)).view(-1)      # the course's gather: p[i, y[i]]
    rows = {"logits": logits[:n], "probs": probs[:n], "p_true": p_true[:n], "loss": losses[:n]}
    return rows, losses.mean().item()
