"""Model families: each has twins (manual and nn), the task it solves and its accuracy rule."""
from dataclasses import dataclass
from typing import Callable

import torch

from lab.linear import LinearManual, LinearNN
from lab.logistic import LogisticManual, LogisticNN
from lab.softmax import SoftmaxManual, SoftmaxNN


def predict_binary(model, X):
    """Class 1 where ŷ > 0.5."""
    return (model.forward(X) > 0.5).float()


def predict_class(model, X):
    """The class with the largest logit (the largest probability), shape (n,)."""
    return model.logits(X).argmax(dim=1)


@dataclass(frozen=True)
class Family:
    twins: dict                      # impl name → class
    tasks: tuple                     # dataset tasks it can learn
    predict: Callable | None         # (model, X) → labels; None: no accuracy (regression)
    multiclass: bool = False         # takes num_classes


FAMILIES = {
    "logistic": Family({"manual": LogisticManual, "nn": LogisticNN}, ("binary",), predict_binary),
    "linear": Family({"manual": LinearManual, "nn": LinearNN}, ("regression",), None),
    "softmax": Family({"manual": SoftmaxManual, "nn": SoftmaxNN}, ("multiclass",),
                      predict_class, multiclass=True),
}


def make_model(config, data, impl):
    """A fresh twin `impl` for `config`, sized for `data`."""
    family = FAMILIES[config.model]
    kwargs = dict(lr=config.lr, reduction=config.reduction, init=config.init, seed=config.seed)
    if family.multiclass:
        kwargs["num_classes"] = data.num_classes
    return family.twins[impl](data.num_features, **kwargs)


def num_correct(family, model, X, y):
    """How many rows the model labels right (None for regression)."""
    if family.predict is None:
        return None
    with torch.no_grad():
        return int((family.predict(model, X) == y).sum())
