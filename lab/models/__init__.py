"""Model families: each has twins (manual and nn), the task it solves and its accuracy rule."""
from dataclasses import dataclass
from typing import Callable

import torch

from lab.models.functions import LOG_FLOOR
from lab.models.linear import LinearManual, LinearNN
from lab.models.logistic import LogisticManual, LogisticNN
from lab.models.softmax import SoftmaxManual, SoftmaxNN


def binary_labels(z):
    """Class 1 where ŷ = σ(z) > 0.5."""
    return (torch.sigmoid(z) > 0.5).float()


def class_labels(logits):
    """The class with the largest logit (the largest probability), shape (n,)."""
    return logits.argmax(dim=1)


@dataclass(frozen=True)
class Family:
    twins: dict                      # impl name → class
    tasks: tuple                     # dataset tasks it can learn
    labels: Callable | None          # logits → labels; None: no accuracy (regression)
    multiclass: bool = False         # takes num_classes
    ceiling: float | None = None     # a per-example loss where its gradient is 0 (a clamp)

    def predict(self, model, X):
        """The labels the model gives the rows of X."""
        with torch.no_grad():
            return self.labels(model.logits(X))


FAMILIES = {
    "logistic": Family({"manual": LogisticManual, "nn": LogisticNN}, ("binary",), binary_labels,
                       ceiling=-LOG_FLOOR),  # BCE's clamped log: ŷ = 0 or 1 on the wrong side
    "linear": Family({"manual": LinearManual, "nn": LinearNN}, ("regression",), None),
    "softmax": Family({"manual": SoftmaxManual, "nn": SoftmaxNN}, ("multiclass",),
                      class_labels, multiclass=True),
}


def make_model(config, data, impl):
    """A fresh twin `impl` for `config`, sized for `data`."""
    family = FAMILIES[config.model]
    kwargs = dict(lr=config.lr, reduction=config.reduction, init=config.init, seed=config.seed)
    if family.multiclass:
        kwargs["num_classes"] = data.num_classes
    return family.twins[impl](data.num_features, **kwargs)
