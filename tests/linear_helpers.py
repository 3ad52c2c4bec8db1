"""The notes' manual linear model (C6) and its per-sample printout, for the tests.

The lab trains the notes' model with a bias; the notes' own loop has none
(ŷ = x·w, w starting at 1.0), and these reproduce it to check the lab against.
"""
import torch

from lab.models.linear import LinearManual


def set_params(model, weight, bias=0.0):
    """Overwrite either twin's parameters in place."""
    with torch.no_grad():
        p = model.params()
        p["weight"].fill_(weight)
        p["bias"].fill_(bias)
    return model


def notes_model(lr=0.01):
    """The notes' manual model: ŷ = x·w, w starting at 1.0, no bias (b stays 0)."""
    model = set_params(LinearManual(1, lr, reduction="sum"), weight=1.0)
    model.b = torch.zeros(1)  # a constant: autograd leaves it alone
    return model


def grad_table(model, X, y, epoch=1):
    """One epoch of per-sample SGD on a LinearManual with one feature, as the notes print it.

    Returns one row per sample (a dict): epoch, x, y, the loss before the update,
    grad_w and grad_b (None without a bias), and w and b after the update.
    """
    rows = []
    for x_i, y_i in zip(X, y):
        loss = model.loss(x_i.reshape(1, 1), y_i.reshape(1))  # forward, compute the loss
        loss.backward()                                      # fills w.grad (and b.grad)
        grad_w = model.w.grad.item()
        grad_b = model.b.grad.item() if model.b.requires_grad else None
        with torch.no_grad():                                # w -= lr·grad, zero the grads
            model.w -= model.lr * model.w.grad
            model.w.grad.zero_()
            if grad_b is not None:
                model.b -= model.lr * model.b.grad
                model.b.grad.zero_()
        rows.append({"epoch": epoch, "x": x_i.item(), "y": y_i.item(), "loss": loss.item(),
                     "grad_w": grad_w, "grad_b": grad_b,
                     "w": model.w.item(), "b": model.b.item()})
    return rows
