"""Per-example explanations: the numbers behind a loss, ready to show in a table."""
import torch

from lab.functions import LOG_FLOOR, bce_per_example


def bce_terms(y_hat, y):
    """Columns of the worked BCE: y, ŷ, y·log ŷ, (1 − y)·log(1 − ŷ), loss; and the mean.

    The logs are clamped at −100 exactly as nn.BCELoss does, so ŷ = 0 or 1
    shows the finite value BCE really uses.
    """
    y_hat, y = y_hat.detach().float(), y.detach().float()
    log_p = torch.clamp(torch.log(y_hat), min=LOG_FLOOR)
    log_q = torch.clamp(torch.log1p(-y_hat), min=LOG_FLOOR)
    losses = bce_per_example(y_hat, y)
    columns = {
        "y": y.tolist(),
        "ŷ": y_hat.tolist(),
        "y·log ŷ": (y * log_p).tolist(),
        "(1−y)·log(1−ŷ)": ((1 - y) * log_q).tolist(),
        "loss": losses.tolist(),
    }
    return columns, losses.mean().item()


def bce_table(model, X, y, feature_names, max_rows=None):
    """The worked BCE for a batch under the model's current parameters.

    Columns: each feature, y, z = w·x + b, ŷ = σ(z), the two terms, the loss;
    plus the mean over every row of the batch (not only the rows shown).
    """
    with torch.no_grad():
        z = model.logits(X)
        y_hat = model.forward(X)
    terms, mean = bce_terms(y_hat, y)
    n = len(y) if max_rows is None else min(max_rows, len(y))
    columns = {name: X[:n, j].tolist() for j, name in enumerate(feature_names)}
    columns["y"] = terms.pop("y")[:n]
    columns["z = w·x + b"] = z[:n].tolist()
    columns.update({k: v[:n] for k, v in terms.items()})
    return columns, mean
