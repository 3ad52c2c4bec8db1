"""The gradient three ways agrees with itself, and the explained step is the real step."""
import math

import pytest
import torch

from lab.config import RunConfig
from lab.data import load
from lab.instruments import gradcheck
from lab.instruments.gradcheck import check_gradients
from lab.instruments.stepthrough import ROWS_KEPT, step_explained
from lab.models import FAMILIES, make_model

CASES = [("logistic", "iris"), ("logistic", "synthetic"), ("softmax", "digits"),
         ("linear", "hours-points")]


@pytest.fixture(autouse=True)
def one_thread():
    """As the app and the CLI run: finite differences are many tiny ops, which threads slow."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def model_and_batch(model, dataset, impl, reduction, init="default", batch=64, lr=0.1):
    data = load(dataset, seed=0)
    config = RunConfig(model=model, dataset=dataset, reduction=reduction, init=init, lr=lr)
    return make_model(config, data, impl), data.X_train[:batch], data.y_train[:batch]


@pytest.mark.parametrize("impl", ["manual", "nn"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("model, dataset", CASES)
def test_autograd_formula_and_finite_differences_agree(model, dataset, reduction, impl):
    m, X, y = model_and_batch(model, dataset, impl, reduction)
    check = check_gradients(m, X, y)
    assert check.max_gap < 1e-3, check.gaps
    assert check.loss == pytest.approx(m.loss(X, y).item(), rel=1e-6)
    for name, value in m.params().items():
        assert check.autograd[name].shape == value.shape
        assert not check.finite_diff[name].isnan().any()  # small models: every entry checked


@pytest.mark.parametrize("impl", ["manual", "nn"])
@pytest.mark.parametrize("model, dataset", CASES)
def test_autograd_is_what_the_twins_own_backward_gives(model, dataset, impl):
    """The manual twin's column is its hand-written functions' backward, not PyTorch's."""
    m, X, y = model_and_batch(model, dataset, impl, "mean")
    m.train_step(X, y)  # the nn twin keeps its .grad after a step: the check must not add to it
    check = check_gradients(m, X, y)
    for p in m.parameters():
        p.grad = None
    m.loss(X, y).backward()
    for name, p in zip(("weight", "bias"), m.parameters()):
        torch.testing.assert_close(check.autograd[name], p.grad, rtol=0, atol=0)


def test_a_wrong_formula_would_show_a_gap():
    """Sum reduction but the mean's gradient: the check must notice, not average it away."""
    m, X, y = model_and_batch("logistic", "iris", "manual", "sum")
    params, family = m.params(), FAMILIES["logistic"]
    wrong = gradcheck.by_formula(family, params, X, y, "mean")
    right = gradcheck.by_finite_differences(family, params, X, y, "sum")
    assert gradcheck.relative_gap(wrong, right) > 0.5


def test_large_models_check_an_even_subset():
    W, b = torch.zeros(10, 300), torch.zeros(10)
    X, y = torch.rand(8, 300), torch.arange(8) % 10
    grads = gradcheck.by_finite_differences(FAMILIES["softmax"], {"weight": W, "bias": b}, X, y,
                                            "mean", max_entries=500)
    checked = sum(int((~v.isnan()).sum()) for v in grads.values())
    assert checked == 500
    assert not grads["bias"][-1].isnan()  # the last entry is always among them


@pytest.mark.parametrize("impl", ["manual", "nn"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("model, dataset", CASES)
def test_explained_update_is_what_train_step_does(model, dataset, reduction, impl):
    lr = 0.01 if reduction == "sum" else 0.1
    m, X, y = model_and_batch(model, dataset, impl, reduction, batch=16, lr=lr)
    before = {k: v.clone() for k, v in m.params().items()}
    told = step_explained(m, X, y, lr)
    for k, v in m.params().items():  # explaining changed nothing
        assert torch.equal(v, before[k])
    assert list(told) == ["forward", "loss", "backward", "update", "lr"]
    assert told["lr"] == lr
    loss = m.train_step(X, y).item()
    assert told["loss"]["value"] == pytest.approx(loss, rel=1e-6)
    assert sum(told["loss"]["per_example"]) == pytest.approx(
        loss * (len(y) if reduction == "mean" else 1), rel=1e-5)
    for k, v in m.params().items():
        after = torch.tensor(told["update"][k]["after"])
        torch.testing.assert_close(after, v, atol=1e-6, rtol=1e-6)
        grad = torch.tensor(told["update"][k]["grad"])   # the gradient itself, not lr·grad
        torch.testing.assert_close(lr * grad, before[k] - v, atol=1e-6, rtol=1e-5)


def test_forward_and_loss_numbers_per_example():
    m, X, y = model_and_batch("logistic", "hours", "manual", "mean", init="zeros")
    told = step_explained(m, X, y, lr=0.01)
    assert told["forward"]["z"] == [0.0, 0.0, 0.0]
    assert told["forward"]["y_hat"] == [0.5, 0.5, 0.5]
    assert told["loss"]["per_example"] == pytest.approx([math.log(2)] * 3)
    assert told["loss"]["value"] == pytest.approx(math.log(2))
    # ∂L/∂w = mean((ŷ − y)·x) = (0.5 + 1 − 1.5) / 3 = 0
    # ∂L/∂b = mean(ŷ − y) = (0.5 + 0.5 − 0.5) / 3 = 1/6
    assert told["backward"]["formula"]["weight"] == [[pytest.approx(0.0, abs=1e-7)]]
    assert told["backward"]["formula"]["bias"] == [pytest.approx(1 / 6)]
    assert told["update"]["bias"]["after"] == [pytest.approx(-0.01 / 6)]


def test_softmax_forward_gives_rows_of_probabilities():
    m, X, y = model_and_batch("softmax", "digits", "nn", "mean", batch=5)
    told = step_explained(m, X, y, lr=0.1)
    assert len(told["forward"]["z"]) == 5 and len(told["forward"]["z"][0]) == 10
    assert all(sum(row) == pytest.approx(1.0) for row in told["forward"]["y_hat"])


def test_a_step_of_a_big_batch_tells_a_few_examples_and_counts_them_all():
    """A full batch of an upload may hold a million rows: the stages keep ROWS_KEPT of
    them as numbers (the page shows 8), not a million Python floats per session."""
    X, y = torch.randn(3 * ROWS_KEPT, 2), (torch.rand(3 * ROWS_KEPT) > 0.5).float()
    m = make_model(RunConfig(dataset="synthetic", lr=0.1), load("synthetic"), "manual")
    told = step_explained(m, X, y, 0.1)
    assert len(told["forward"]["z"]) == len(told["loss"]["per_example"]) == ROWS_KEPT
    assert told["loss"]["examples"] == 3 * ROWS_KEPT
    assert told["loss"]["value"] == pytest.approx(m.loss(X, y).item(), rel=1e-6)
