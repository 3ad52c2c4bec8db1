"""Linear regression twice (experiment C6): from plain tensors, and from torch.nn.

Both take the same arguments as the logistic twins, start from the same
parameters and train one mini-batch with `train_step`. `bias=False` gives the
notes' manual model ŷ = x·w, whose b stays fixed at 0.
"""
import torch
from torch import nn

from lab.models.functions import mse
from lab.models.params import initial_params


class LinearManual:
    """ŷ = X·wᵀ + b with hand-written MSE and SGD, as the notes write it."""

    def __init__(self, num_inputs, lr, reduction="mean", init="default", seed=0, bias=True):
        W, b = initial_params(num_inputs, 1, init, seed)
        self.w = W.requires_grad_()                                # (1, d)
        self.b = b.requires_grad_() if bias else torch.zeros(1)   # (1,), fixed at 0 without bias
        self.lr = lr
        self.reduction = reduction

    def logits(self, X):
        """ŷ = X·wᵀ + b, shape (n,): a linear model's output is its prediction."""
        return (X @ self.w.T + self.b).reshape(-1)

    def forward(self, X):
        """ŷ, shape (n,)."""
        return self.logits(X)

    def loss(self, X, y, reduction=None):
        return self.loss_of_logits(self.forward(X), y, reduction)

    def loss_of_logits(self, y_hat, y, reduction=None):
        """The MSE for predictions already computed (for a linear model, ŷ = z)."""
        return mse(y_hat, y, reduction or self.reduction)

    def train_step(self, X, y):
        """One mini-batch: forward, loss, backward, update. Returns the loss."""
        loss = self.loss(X, y)                   # 1-2. forward and loss
        loss.backward()                          # 3. backward: autograd fills .grad
        self.update()                            # 4. update
        return loss.detach()

    def update(self):
        """w ← w − lr·∂loss/∂w (and b), outside the graph; then zero the grads."""
        with torch.no_grad():
            self.w -= self.lr * self.w.grad
            self.w.grad.zero_()                  # grads add up unless zeroed
            if self.b.requires_grad:
                self.b -= self.lr * self.b.grad
                self.b.grad.zero_()

    def set_lr(self, lr):
        self.lr = lr

    def params(self):
        return {"weight": self.w.detach(), "bias": self.b.detach()}


class LinearNN(nn.Module):
    """The same model from nn.Linear, nn.MSELoss and optim.SGD."""

    def __init__(self, num_inputs, lr, reduction="mean", init="default", seed=0, bias=True):
        super().__init__()
        self.linear = nn.Linear(num_inputs, 1, bias=bias)
        W, b = initial_params(num_inputs, 1, init, seed)
        with torch.no_grad():
            self.linear.weight.copy_(W)
            if bias:
                self.linear.bias.copy_(b)
        self.criterion = nn.MSELoss(reduction=reduction)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=lr)

    def logits(self, X):
        return self.linear(X).reshape(-1)

    def forward(self, X):
        return self.logits(X)

    def loss(self, X, y, reduction=None):
        return self.loss_of_logits(self(X), y, reduction)

    def loss_of_logits(self, y_hat, y, reduction=None):
        if reduction is None:
            return self.criterion(y_hat, y)
        return nn.functional.mse_loss(y_hat, y, reduction=reduction)

    def train_step(self, X, y):
        y_hat = self(X)                          # 1. forward
        loss = self.criterion(y_hat, y)          # 2. loss
        self.optimizer.zero_grad()
        loss.backward()                          # 3. backward
        self.optimizer.step()                    # 4. update
        return loss.detach()

    def set_lr(self, lr):
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def params(self):
        bias = self.linear.bias
        return {"weight": self.linear.weight.detach(),
                "bias": torch.zeros(1) if bias is None else bias.detach()}


def set_params(model, weight, bias=0.0):
    """Overwrite either twin's parameters in place (bias ignored when it has none)."""
    with torch.no_grad():
        p = model.params()
        p["weight"].fill_(weight)
        p["bias"].fill_(bias)
    return model


def notes_model(lr=0.01):
    """The notes' manual model: ŷ = x·w, w starting at 1.0, no bias."""
    return set_params(LinearManual(1, lr, reduction="sum", bias=False), weight=1.0)


def predict(model, x):
    """ŷ at one value x of the single feature, as a float."""
    with torch.no_grad():
        return model.forward(torch.tensor([[float(x)]])).item()


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
        model.update()                                       # w -= lr·grad, zero the grads
        rows.append({"epoch": epoch, "x": x_i.item(), "y": y_i.item(), "loss": loss.item(),
                     "grad_w": grad_w, "grad_b": grad_b,
                     "w": model.w.item(), "b": model.b.item()})
    return rows
