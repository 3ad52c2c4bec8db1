"""One training Step told in the course's four stages, as plain numbers to show."""
import torch

from lab.instruments.gradcheck import check_gradients, family_of, reduction_of

ROWS_KEPT = 256  # examples told per stage: a page shows a few, a full batch may be 10⁶


def step_explained(model, X, y, lr):
    """The step train_step would take on (X, y), in the four stages; the model is untouched.

    forward:  z and ŷ of the first ROWS_KEPT examples (for softmax, rows of logits and
              probabilities)
    loss:     of those examples each, the batch's size, and the batch loss with the
              model's reduction
    backward: ∂L/∂w and ∂L/∂b three ways, and the largest gap between them
    update:   for weight and bias: w, ∂L/∂w (the twin's own backward, the gradient
              train_step uses) and w − lr·∂L/∂w
    lr:       the learning rate of the step
    """
    check = check_gradients(model, X, y)
    params = model.params()
    few, y_few = X[:ROWS_KEPT], y[:ROWS_KEPT]  # the sums and means use the whole batch
    with torch.no_grad():
        z, y_hat = family_of(model).logits(model, few), model.forward(few)
        per_example = model.loss(few, y_few, reduction="none")
    return {
        "forward": {"z": z.tolist(), "y_hat": y_hat.tolist()},
        "loss": {"per_example": per_example.tolist(), "examples": len(y),
                 "reduction": reduction_of(model), "value": check.loss},
        "backward": {"autograd": _lists(check.autograd), "formula": _lists(check.formula),
                     "finite_diff": _lists(check.finite_diff), "gaps": check.gaps,
                     "max_gap": check.max_gap},
        "update": {name: {"before": params[name].tolist(), "grad": grad.tolist(),
                          "after": (params[name] - lr * grad).tolist()}
                   for name, grad in check.autograd.items()},
        "lr": lr,
    }


def _lists(grads):
    return {k: v.tolist() for k, v in grads.items()}
