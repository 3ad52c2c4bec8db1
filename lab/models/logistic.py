"""Logistic regression twice: from plain tensors, and from torch.nn.

Both take the same arguments, start from the same parameters and train one
mini-batch with `train_step` in the course's four steps.
"""
import torch
from torch import nn

from lab.models.functions import bce, sigmoid
from lab.models.params import initial_params


class LogisticManual:
    """ŷ = σ(X·wᵀ + b) with hand-written sigmoid, BCE and SGD."""

    def __init__(self, num_inputs, lr, reduction="mean", init="default", seed=0):
        W, b = initial_params(num_inputs, 1, init, seed)
        self.w = W.requires_grad_()  # (1, d)
        self.b = b.requires_grad_()  # (1,)
        self.lr = lr
        self.reduction = reduction

    def logits(self, X):
        """z = X·wᵀ + b, shape (n,)."""
        return (X @ self.w.T + self.b).reshape(-1)

    def forward(self, X):
        """ŷ = σ(z): the probability of class 1, shape (n,)."""
        return sigmoid(self.logits(X))

    def loss(self, X, y, reduction=None):
        """The BCE of the batch, with the model's reduction or the one given."""
        return bce(self.forward(X), y, reduction or self.reduction)

    def train_step(self, X, y):
        """One mini-batch: forward, loss, backward, update. Returns the loss."""
        y_hat = self.forward(X)                  # 1. forward
        loss = bce(y_hat, y, self.reduction)     # 2. loss
        loss.backward()                          # 3. backward: autograd fills .grad
        with torch.no_grad():                    # 4. update, outside the graph
            self.w -= self.lr * self.w.grad
            self.b -= self.lr * self.b.grad
            self.w.grad.zero_()                  # grads add up unless zeroed
            self.b.grad.zero_()
        return loss.detach()

    def parameters(self):
        """What autograd fills .grad of, as nn.Module.parameters() gives them."""
        return [self.w, self.b]

    def params(self):
        return {"weight": self.w.detach(), "bias": self.b.detach()}


class LogisticNN(nn.Module):
    """The same model from nn.Linear, nn.BCELoss and optim.SGD."""

    def __init__(self, num_inputs, lr, reduction="mean", init="default", seed=0):
        super().__init__()
        self.linear = nn.Linear(num_inputs, 1)
        W, b = initial_params(num_inputs, 1, init, seed)
        with torch.no_grad():
            self.linear.weight.copy_(W)
            self.linear.bias.copy_(b)
        self.criterion = nn.BCELoss(reduction=reduction)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=lr)

    def logits(self, X):
        return self.linear(X).reshape(-1)

    def forward(self, X):
        return torch.sigmoid(self.logits(X))

    def loss(self, X, y, reduction=None):
        if reduction is None:
            return self.criterion(self(X), y)
        return nn.functional.binary_cross_entropy(self(X), y, reduction=reduction)

    def train_step(self, X, y):
        y_hat = self(X)                          # 1. forward
        loss = self.criterion(y_hat, y)          # 2. loss
        self.optimizer.zero_grad()
        loss.backward()                          # 3. backward
        self.optimizer.step()                    # 4. update
        return loss.detach()

    def params(self):
        return {"weight": self.linear.weight.detach(), "bias": self.linear.bias.detach()}
