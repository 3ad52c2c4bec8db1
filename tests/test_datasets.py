"""The bundled datasets: shapes, splits, seeds, and standardization on the training split only."""
import pytest
import torch

from lab.data import DATASETS, load, stratified_split


def test_hours_is_the_course_table():
    d = load("hours")
    assert d.X_train.reshape(-1).tolist() == [1.0, 2.0, 3.0]
    assert d.y_train.tolist() == [0.0, 0.0, 1.0]
    assert d.X_test is None and d.y_test is None


def test_iris_is_the_first_100_rows_split_80_20_stratified():
    d = load("iris", seed=0)
    assert d.X_train.shape == (80, 4) and d.X_test.shape == (20, 4)
    assert d.y_train.sum().item() == 40 and d.y_test.sum().item() == 10
    assert d.class_names == ["setosa", "versicolor"]


def test_synthetic_follows_the_generator():
    d = load("synthetic", seed=0)
    assert d.X_train.shape == (2000, 2) and d.X_test.shape == (1000, 2)
    assert ((d.X_train >= 0) & (d.X_train < 1)).all()
    z = d.X_train @ torch.tensor([1.9, -3.1]) + 0.6
    far = (torch.sigmoid(z) - 0.5).abs() > 0.05  # noise std 0.01 cannot flip these
    assert torch.equal(d.y_train[far], (z[far] > 0).float())
    assert 0.35 < d.y_train.mean().item() < 0.65
    assert d.true_params == {"weight": [[pytest.approx(1.9), pytest.approx(-3.1)]], "bias": [0.6]}


def test_breast_cancer_split_75_25():
    d = load("breast-cancer", seed=0)
    assert d.num_features == 30
    assert len(d.y_train) + len(d.y_test) == 569
    assert abs(len(d.y_test) - 569 * 0.25) <= 1


@pytest.mark.parametrize("name", ["iris", "synthetic", "breast-cancer"])
def test_seed_fixes_the_split(name):
    a, b, c = load(name, seed=1), load(name, seed=1), load(name, seed=2)
    assert torch.equal(a.X_train, b.X_train)
    assert not torch.equal(a.X_train, c.X_train)


def test_stratified_split_keeps_class_proportions():
    y = torch.tensor([0.0] * 60 + [1.0] * 40)
    train, test = stratified_split(y, 0.25, seed=0)
    assert len(set(train.tolist()) & set(test.tolist())) == 0
    assert y[test].sum().item() == 10 and len(test) == 25


def test_standardize_uses_the_training_split_only():
    raw = load("breast-cancer", seed=0)
    d = load("breast-cancer", seed=0, standardize=True)
    torch.testing.assert_close(d.X_train.mean(0), torch.zeros(30), atol=1e-4, rtol=0)
    torch.testing.assert_close(d.X_train.std(0), torch.ones(30), atol=1e-4, rtol=0)
    mean, std = raw.X_train.mean(0), raw.X_train.std(0)
    torch.testing.assert_close(d.X_test, (raw.X_test - mean) / std)


def test_every_registered_bundled_dataset_loads_with_one_signature():
    for name in ("hours", "iris", "synthetic", "breast-cancer"):
        d = DATASETS[name](seed=0, data_dir=None)
        assert d.name == name and len(d.X_train) == len(d.y_train)


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown dataset 'nope'"):
        load("nope")
