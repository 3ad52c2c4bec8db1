"""Hand-written sigmoid and binary cross-entropy, as torch.sigmoid and nn.BCELoss compute them.

PyTorch is the oracle: tests/test_functions.py compares values and gradients.
"""
import torch

LOG_FLOOR = -100.0  # nn.BCELoss clamps each log here: log(0) costs 100, not inf
GRAD_EPS = 1e-12    # nn.BCELoss floors ŷ(1 − ŷ) here in its gradient


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)) for z ≥ 0, and the equal e^z / (1 + e^z) for z < 0.

    Written in two halves so that exp only ever sees a number ≤ 0 and never
    overflows: both halves are finite everywhere, and so are their gradients.
    """
    neg = z < 0
    e = torch.exp(torch.where(neg, z, -z))      # e^(−|z|), in (0, 1]
    return torch.where(neg, e / (1 + e), 1 / (1 + e))


def sigmoid_naive(z):
    """The textbook 1 / (1 + exp(−z)).

    Its value is right, but for z < −88 exp(−z) overflows float32 to inf and
    the gradient becomes 0 · inf = nan. Kept to show why `sigmoid` is written
    the way it is.
    """
    return 1 / (1 + torch.exp(-z))


class BinaryCrossEntropy(torch.autograd.Function):
    """Per-example −[y·log ŷ + (1 − y)·log(1 − ŷ)], exactly as nn.BCELoss.

    Why a Function of its own: at ŷ = 0 or 1 the clamped log's derivative is
    0 / 0 = nan. nn.BCELoss defines the gradient by its formula instead,
    (ŷ − y) / (ŷ(1 − ŷ)), flooring the denominator at 1e-12. We do the same,
    so the twins agree even when the sigmoid saturates.
    """

    @staticmethod
    def forward(ctx, y_hat, y):
        ctx.save_for_backward(y_hat, y)
        log_p = torch.clamp(torch.log(y_hat), min=LOG_FLOOR)     # log ŷ
        log_q = torch.clamp(torch.log1p(-y_hat), min=LOG_FLOOR)  # log(1 − ŷ)
        return (y - 1) * log_q - y * log_p

    @staticmethod
    def backward(ctx, grad):
        y_hat, y = ctx.saved_tensors
        denom = torch.clamp((1 - y_hat) * y_hat, min=GRAD_EPS)
        return grad * (y_hat - y) / denom, None


def bce_per_example(y_hat, y):
    """BCE of each example, from probabilities ŷ and labels y (both shape (n,))."""
    return BinaryCrossEntropy.apply(y_hat, y)


def bce(y_hat, y, reduction="mean"):
    """Mini-batch BCE: the mean (or, as in the slides' size_average=False, the sum)."""
    losses = bce_per_example(y_hat, y)
    return losses.sum() if reduction == "sum" else losses.mean()
