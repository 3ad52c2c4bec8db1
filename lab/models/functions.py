"""Hand-written sigmoid, BCE and MSE, as torch.sigmoid, nn.BCELoss and nn.MSELoss compute them.

PyTorch is the oracle: tests/test_functions.py compares values and gradients.
Softmax and cross-entropy (as torch.softmax and nn.CrossEntropyLoss) are
below BCE; tests/test_softmax.py checks them.
"""
import torch

LOG_FLOOR = -100.0  # nn.BCELoss clamps each log here: log(0) costs 100, not inf
GRAD_EPS = 1e-12    # nn.BCELoss floors ŷ(1 − ŷ) here in its gradient


class Sigmoid(torch.autograd.Function):
    """σ(z) = 1 / (1 + e^(−z)), with torch.sigmoid's derivative σ'(z) = σ(z)(1 − σ(z)).

    Forward in two halves, 1 / (1 + e^(−z)) for z ≥ 0 and e^z / (1 + e^z) for
    z < 0, so exp only ever sees a number ≤ 0 and never overflows.

    Why a Function and not plain operations for autograd to differentiate:
    the derivative must come from the output ŷ, as torch.sigmoid's does. BCE's
    gradient divides by ŷ(1 − ŷ) and this multiplies by the same rounded
    ŷ(1 − ŷ), so the two cancel. Autograd through the plain operations would
    give e^(−z) / (1 + e^(−z))² instead, which does not cancel: for y = 0 and
    z = 17, where ŷ rounds to 1, the gradient would be 41 000 instead of 0.
    """

    @staticmethod
    def forward(ctx, z):
        e = torch.exp(-z.abs())                  # e^(−|z|), in (0, 1]
        s = torch.where(z < 0, e, 1.0) / (1 + e)  # e^z / (1 + e^z) or 1 / (1 + e^(−z))
        ctx.save_for_backward(s)                 # backward needs only the output
        return s

    @staticmethod
    def backward(ctx, grad):
        (s,) = ctx.saved_tensors
        return grad * s * (1 - s)


def sigmoid(z):
    """ŷ = σ(z), element-wise."""
    return Sigmoid.apply(z)


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
    """Mini-batch BCE: the mean (or, as in the slides' size_average=False, the sum;
    "none" keeps each example's)."""
    losses = bce_per_example(y_hat, y)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def row_max(logits):
    """Each row's largest logit, shape (n, 1), kept out of the graph.

    Softmax does not change when a row is shifted by a constant, so no
    gradient needs to flow through the shift.
    """
    return logits.detach().max(dim=1, keepdim=True).values


def softmax(logits):
    """Probabilities e^(z − m) / Σ e^(z − m) per row, m the row's max: (n, k) → (n, k).

    Subtracting m changes nothing mathematically, but every exponent is
    then ≤ 0, so exp never overflows (compare `softmax_naive`).
    """
    e = torch.exp(logits - row_max(logits))    # (n, k), each in (0, 1]
    return e / e.sum(dim=1, keepdim=True)


def softmax_naive(logits):
    """The textbook e^z / Σ e^z, as the course writes it.

    Right for small logits, but a logit above ~88 makes exp overflow float32:
    logits [1000, 0] give inf / inf = nan. Kept to show why `softmax` shifts.
    """
    e = torch.exp(logits)
    return e / e.sum(dim=1, keepdim=True)


def log_softmax(logits):
    """log softmax(z) = (z − m) − log Σ e^(z − m), without forming the probabilities: (n, k).

    log(softmax(z)) would give log(0) = −inf for a class far below the best.
    """
    shifted = logits - row_max(logits)         # (n, k), each ≤ 0
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


def cross_entropy_per_example(logits, y):
    """−log p(true class) of each row: logits (n, k) and int64 labels y (n,) → (n,)."""
    log_probs = log_softmax(logits)                   # (n, k)
    return -log_probs.gather(1, y.reshape(-1, 1)).reshape(-1)  # column y[i] of row i


def cross_entropy(logits, y, reduction="mean"):
    """Mini-batch cross-entropy from logits, as nn.CrossEntropyLoss: the mean or the sum
    ("none" keeps each example's)."""
    losses = cross_entropy_per_example(logits, y)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def mse(y_hat, y, reduction="mean"):
    """Mean (or summed) squared error (ŷ − y)², as nn.MSELoss; the linear model's loss
    ("none" keeps each example's)."""
    squared = (y_hat - y) ** 2
    if reduction == "none":
        return squared
    return squared.sum() if reduction == "sum" else squared.mean()
