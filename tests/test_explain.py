import pytest
import torch

from lab.instruments.explain import bce_table, bce_terms
from lab.models.logistic import LogisticManual


def test_slides_table_rows_and_mean():
    columns, mean = bce_terms(torch.tensor([0.2, 0.8, 0.3, 0.7]), torch.tensor([1.0, 1, 0, 0]))
    assert [round(v, 4) for v in columns["loss"]] == [1.6094, 0.2231, 0.3567, 1.2040]
    assert round(mean, 4) == 0.8483
    assert columns["y·log ŷ"][0] == pytest.approx(-1.6094, abs=1e-4)
    assert columns["(1−y)·log(1−ŷ)"][0] == 0.0


def test_probability_of_exactly_zero_or_one_shows_the_clamped_value():
    columns, _ = bce_terms(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0]))
    assert columns["loss"] == [100.0, 100.0]
    assert columns["y·log ŷ"][0] == -100.0


def test_batch_table_uses_the_model_and_the_whole_batch_mean():
    model = LogisticManual(1, lr=0.1, init="zeros")
    X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([0.0, 0.0, 1.0])
    columns, mean = bce_table(model, X, y, ["hours"], max_rows=2)
    assert columns["hours"] == [1.0, 2.0] and columns["z = w·x + b"] == [0.0, 0.0]
    assert columns["ŷ"] == [0.5, 0.5]
    assert mean == pytest.approx(torch.log(torch.tensor(2.0)).item())
