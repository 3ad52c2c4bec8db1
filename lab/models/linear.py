"""Linear regression twice (experiment C6): from plain tensors, and from torch.nn.

Both take the same arguments as the logistic twins, start from the same
parameters and train one mini-batch with `train_step`. A linear model has no
logits: its score X·wᵀ + b is the prediction ŷ itself.
"""
import torch
from torch import nn

from lab.models.functions import mse
from lab.models.params import initial_params


class LinearManual:
    """ŷ = X·wᵀ + b with hand-written MSE and SGD, as the notes write it."""

    def __init__(self, num_inputs, lr, reduction="mean", init="default", seed=0):
        W, b = initial_params(num_inputs, 1, init, seed)
        self.w = W.requires_grad_()  # (1, d)
        self.b = b.requires_grad_()  # (1,)
        self.lr = lr
        self.reduction = reduction

    def forward(self, X):
        """ŷ = X·wᵀ + b, shape (n,)."""
        return (X @ self.w.T + self.b).reshape(-1)

    def loss(self, X, y, reduction=None):
        """The MSE of the batch, with the model's reduction or the one given."""
        return mse(self.forward(X), y, reduction or self.reduction)

    def train_step(self, X, y):
        """One mini-batch: forward, loss, backward, update. Returns the loss."""
        y_hat = self.forward(X)                  # 1. forward
        loss = mse(y_hat, y, self.reduction)     # 2. loss
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


class LinearNN(nn.Module):
    """The same model from nn.Linear, nn.MSELoss and optim.SGD."""

    def __init__(self, num_inputs, lr, reduction="mean", init="default", seed=0):
        super().__init__()
        self.linear = nn.Linear(num_inputs, 1)
        W, b = initial_params(num_inputs, 1, init, seed)
        with torch.no_grad():
            self.linear.weight.copy_(W)
            self.linear.bias.copy_(b)
        self.criterion = nn.MSELoss(reduction=reduction)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=lr)

    def forward(self, X):
        return self.linear(X).reshape(-1)

    def loss(self, X, y, reduction=None):
        if reduction is None:
            return self.criterion(self(X), y)
        return nn.functional.mse_loss(self(X), y, reduction=reduction)

    def train_step(self, X, y):
        y_hat = self(X)                          # 1. forward
        loss = self.criterion(y_hat, y)          # 2. loss
        self.optimizer.zero_grad()
        loss.backward()                          # 3. backward
        self.optimizer.step()                    # 4. update
        return loss.detach()

    def params(self):
        return {"weight": self.linear.weight.detach(), "bias": self.linear.bias.detach()}


def predict(model, x):
    """ŷ at one value x of the single feature, as a float."""
    with torch.no_grad():
        return model.forward(torch.tensor([[float(x)]])).item()
