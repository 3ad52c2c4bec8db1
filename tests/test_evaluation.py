"""lab.instruments.evaluation and the worked cross-entropy table against PyTorch and
scikit-learn: the softmax page's confusion matrix, most confident mistakes, test-split probs."""
import pytest
import torch
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from torch.nn import functional as F

from lab.data import load
from lab.instruments import evaluation
from lab.instruments.evaluation import confident_mistakes, confusion_matrix, probs_on_test_split
from lab.instruments.explain import cross_entropy_table
from lab.models.softmax import SoftmaxManual, SoftmaxNN


class FixedLogits:
    """A stand-in model whose logits are given (extreme ones included)."""

    def __init__(self, logits):
        self._logits = logits

    def logits(self, X):
        return self._logits[:len(X)]


@pytest.mark.parametrize("scale", [1.0, 100.0, 1000.0])
def test_cross_entropy_table_matches_torch(scale):
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(12, 5, generator=g) * scale
    y = torch.randint(0, 5, (12,), generator=g)
    rows, mean = cross_entropy_table(FixedLogits(logits), torch.zeros(12, 1), y, max_rows=4)
    assert mean == pytest.approx(F.cross_entropy(logits, y).item(), rel=1e-6)
    torch.testing.assert_close(rows["loss"], F.cross_entropy(logits, y, reduction="none")[:4])
    torch.testing.assert_close(rows["probs"], torch.softmax(logits, dim=1)[:4])
    probs = torch.softmax(logits, dim=1)
    torch.testing.assert_close(rows["p_true"], probs[torch.arange(4), y[:4]])
    assert torch.isfinite(rows["loss"]).all()  # −log p from log_softmax: never log 0


@pytest.mark.parametrize("twin", [SoftmaxManual, SoftmaxNN])
def test_cross_entropy_table_of_a_twin(twin):
    data = load("digits")
    model = twin(64, 10, lr=0.1)
    X, y = data.X_train[:32], data.y_train[:32]
    rows, mean = cross_entropy_table(model, X, y)
    assert len(rows["loss"]) == 32
    assert mean == pytest.approx(model.loss(X, y).item(), rel=1e-6)


def test_confusion_matrix_matches_scikit_learn():
    g = torch.Generator().manual_seed(1)
    y = torch.randint(0, 4, (200,), generator=g)
    y_pred = torch.randint(0, 4, (200,), generator=g)
    matrix = confusion_matrix(y, y_pred, 4)
    assert matrix.tolist() == sk_confusion_matrix(y, y_pred, labels=range(4)).tolist()
    one = confusion_matrix(torch.tensor([0]), torch.tensor([0]), 3)
    assert one.shape == (3, 3) and one.sum() == 1 == one[0, 0]  # k×k even with classes unseen


def test_confident_mistakes_are_wrong_and_most_confident_first():
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.99, 0.01]])
    y = torch.tensor([1, 1, 1, 0, 0])
    assert confident_mistakes(probs, y, 5).tolist() == [0, 3, 2]
    assert confident_mistakes(probs, y, 2).tolist() == [0, 3]
    assert confident_mistakes(probs, torch.tensor([0, 1, 0, 1, 0]), 3).tolist() == []


def test_probs_on_the_test_split_score_uint8_images_in_chunks(monkeypatch):
    monkeypatch.setattr(evaluation, "CHUNK", 7)
    data = load("digits")
    model = SoftmaxNN(64, 10, lr=0.1)
    probs = probs_on_test_split(model, data)
    assert probs.shape == (len(data.y_test), 10)
    torch.testing.assert_close(probs, model.forward(data.X_test).detach())
    assert probs_on_test_split(model, data, max_rows=10).shape == (10, 10)
