"""What a classifier gets wrong on the test split: the confusion matrix and its worst mistakes."""
import torch

from lab.models.functions import softmax

CHUNK = 2048  # rows scored at once: a float copy of uint8 pixels stays small


def probs_on_test_split(model, data, max_rows=None):
    """softmax(logits) of the first `max_rows` test rows (all by default): (n, k)."""
    X = data.X_test if max_rows is None else data.X_test[:max_rows]
    parts = []
    with torch.no_grad():
        for start in range(0, len(X), CHUNK):
            parts.append(softmax(model.logits(data.features(X[start:start + CHUNK]))))
    return torch.cat(parts)


def confusion_matrix(y, y_pred, num_classes):
    """Counts (k, k): row = the true class, column = the predicted class."""
    k = num_classes
    pairs = y * k + y_pred                            # one bin per (true, predicted)
    return torch.bincount(pairs, minlength=k * k).view(k, k)


def confident_mistakes(probs, y, count):
    """Indices of the wrong rows, the most confident first (at most `count`).

    Confidence is the probability the model gives the class it predicts.
    """
    p_pred, y_pred = probs.max(dim=1)                 # (n,) each
    wrong = torch.nonzero(y_pred != y).view(-1)
    order = torch.argsort(p_pred[wrong], descending=True, stable=True)
    return wrong[order[:count]]
