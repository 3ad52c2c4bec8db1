"""Softmax regression twice: from plain tensors, and from torch.nn.

The twins of lab.models.logistic for k classes: the same arguments (plus
num_classes), the same initial parameters, one mini-batch per `train_step`.
"""
import torch
from torch import nn

from lab.models.functions import cross_entropy, softmax
from lab.models.params import initial_params


class SoftmaxManual:
    """probs = softmax(X·Wᵀ + b) with hand-written softmax, cross-entropy and SGD."""

    def __init__(self, num_inputs, num_classes, lr, reduction="mean", init="default", seed=0):
        W, b = initial_params(num_inputs, num_classes, init, seed)
        self.W = W.requires_grad_()  # (k, d): one row of weights per class
        self.b = b.requires_grad_()  # (k,)
        self.lr = lr
        self.reduction = reduction

    def logits(self, X):
        """z = X·Wᵀ + b: one score per class, shape (n, k)."""
        return X @ self.W.T + self.b

    def forward(self, X):
        """The class probabilities softmax(z), shape (n, k); each row sums to 1."""
        return softmax(self.logits(X))

    def loss(self, X, y, reduction=None):
        """The cross-entropy of the batch, with the model's reduction or the one given."""
        return cross_entropy(self.logits(X), y, reduction or self.reduction)

    def train_step(self, X, y):
        """One mini-batch: forward, loss, backward, update. Returns the loss."""
        logits = self.logits(X)                            # 1. forward, (n, k)
        loss = cross_entropy(logits, y, self.reduction)    # 2. loss, from the logits
        loss.backward()                                    # 3. backward: autograd fills .grad
        with torch.no_grad():                              # 4. update, outside the graph
            self.W -= self.lr * self.W.grad
            self.b -= self.lr * self.b.grad
            self.W.grad.zero_()                            # grads add up unless zeroed
            self.b.grad.zero_()
        return loss.detach()

    def parameters(self):
        """What autograd fills .grad of, as nn.Module.parameters() gives them."""
        return [self.W, self.b]

    def params(self):
        return {"weight": self.W.detach(), "bias": self.b.detach()}


class SoftmaxNN(nn.Module):
    """The same model from nn.Linear, nn.CrossEntropyLoss and optim.SGD."""

    def __init__(self, num_inputs, num_classes, lr, reduction="mean", init="default", seed=0):
        super().__init__()
        self.linear = nn.Linear(num_inputs, num_classes)
        W, b = initial_params(num_inputs, num_classes, init, seed)
        with torch.no_grad():
            self.linear.weight.copy_(W)
            self.linear.bias.copy_(b)
        self.criterion = nn.CrossEntropyLoss(reduction=reduction)  # takes logits, not probs
        self.optimizer = torch.optim.SGD(self.parameters(), lr=lr)

    def logits(self, X):
        return self.linear(X)

    def forward(self, X):
        return torch.softmax(self.logits(X), dim=1)

    def loss(self, X, y, reduction=None):
        if reduction is None:
            return self.criterion(self.logits(X), y)
        return nn.functional.cross_entropy(self.logits(X), y, reduction=reduction)

    def train_step(self, X, y):
        logits = self.logits(X)                  # 1. forward
        loss = self.criterion(logits, y)         # 2. loss
        self.optimizer.zero_grad()
        loss.backward()                          # 3. backward
        self.optimizer.step()                    # 4. update
        return loss.detach()

    def params(self):
        return {"weight": self.linear.weight.detach(), "bias": self.linear.bias.detach()}
