"""Hand-written softmax and cross-entropy against PyTorch, and the softmax twins."""
import pytest
import torch
from torch import nn

from lab.config import RunConfig
from lab.data import load
from lab.models.functions import (cross_entropy, cross_entropy_per_example, log_softmax, softmax,
                           softmax_naive)
from lab.models import FAMILIES
from lab.models.softmax import SoftmaxManual, SoftmaxNN
from lab.train import EpochEnd, Run, next_batch, train, train_one_batch

# The digits defaults the Softmax page uses: test accuracy ≥ 0.95 within 20 epochs.
DIGITS = dict(lr=0.5, batch_size=32, num_epochs=20)


def logits_of(kind):
    """(n, k) logits: ordinary, or extreme (±1000, ±100 and ties), with int64 labels."""
    g = torch.Generator().manual_seed(0)
    if kind == "ordinary":
        return torch.randn(8, 5, generator=g) * 3, torch.randint(0, 5, (8,), generator=g)
    logits = torch.tensor([[1000.0, 0.0, -1000.0],
                           [-1000.0, 1000.0, 0.0],
                           [-1000.0, -1000.0, -1000.0],
                           [100.0, 100.0, -100.0],
                           [1000.0, 999.0, 998.0],
                           [0.0, 0.0, 0.0]])
    return logits, torch.tensor([2, 1, 0, 0, 2, 1])


def value_and_grad(fn, logits, weights=None):
    """fn(logits) and d(Σ w·fn)/d logits; random weights make every output count."""
    z = logits.clone().requires_grad_()
    out = fn(z)
    if weights is None:
        weights = torch.rand(out.shape, generator=torch.Generator().manual_seed(1))
    (out * weights).sum().backward()
    return out.detach(), z.grad


@pytest.mark.parametrize("kind", ["ordinary", "extreme"])
@pytest.mark.parametrize("ours, theirs", [
    (softmax, lambda z: torch.softmax(z, dim=1)),
    (log_softmax, lambda z: torch.log_softmax(z, dim=1)),
])
def test_softmax_and_log_softmax_match_torch(kind, ours, theirs):
    logits, _ = logits_of(kind)
    value, grad = value_and_grad(ours, logits)
    ref_value, ref_grad = value_and_grad(theirs, logits)
    torch.testing.assert_close(value, ref_value, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(grad, ref_grad, rtol=1e-5, atol=1e-6)
    assert torch.isfinite(value).all() and torch.isfinite(grad).all()


def test_softmax_rows_sum_to_one():
    logits, _ = logits_of("extreme")
    torch.testing.assert_close(softmax(logits).sum(dim=1), torch.ones(len(logits)))


@pytest.mark.parametrize("kind", ["ordinary", "extreme"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_matches_crossentropyloss(kind, reduction):
    logits, y = logits_of(kind)
    a, b = logits.clone().requires_grad_(), logits.clone().requires_grad_()
    ours = cross_entropy(a, y, reduction)
    ref = nn.CrossEntropyLoss(reduction=reduction)(b, y)
    ours.backward()
    ref.backward()
    assert ours.item() == pytest.approx(ref.item(), rel=1e-6)
    torch.testing.assert_close(a.grad, b.grad, rtol=1e-5, atol=1e-7)
    assert torch.isfinite(a.grad).all()


def test_cross_entropy_per_example_is_minus_log_p_of_the_true_class():
    logits, y = logits_of("extreme")
    losses = cross_entropy_per_example(logits, y)
    ref = nn.functional.cross_entropy(logits, y, reduction="none")
    torch.testing.assert_close(losses, ref)
    assert losses[0].item() == 2000.0   # true class at −1000, best at +1000
    assert losses[1].item() == 0.0      # true class far ahead: p = 1


def test_naive_softmax_breaks_on_large_logits():
    logits = torch.tensor([[1000.0, 0.0]])
    assert torch.isnan(softmax_naive(logits)).any()        # exp(1000) = inf; inf / inf = nan
    assert softmax(logits).tolist() == [[1.0, 0.0]]
    small = torch.tensor([[1.0, 2.0, 3.0]])
    torch.testing.assert_close(softmax_naive(small), softmax(small))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_twins_start_equal_and_take_equal_steps(reduction):
    g = torch.Generator().manual_seed(0)
    X, y = torch.rand(32, 6, generator=g), torch.randint(0, 4, (32,), generator=g)
    lr = 0.3 if reduction == "mean" else 0.01    # a sum's gradient is 32× a mean's
    manual = SoftmaxManual(6, 4, lr=lr, reduction=reduction, seed=7)
    torch_ = SoftmaxNN(6, 4, lr=lr, reduction=reduction, seed=7)
    for k in ("weight", "bias"):
        assert torch.equal(manual.params()[k], torch_.params()[k])
    assert manual.params()["weight"].shape == (4, 6) and manual.params()["bias"].shape == (4,)
    for _ in range(25):
        a, b = manual.train_step(X, y), torch_.train_step(X, y)
        assert a.item() == pytest.approx(b.item(), rel=1e-5)
    for k in ("weight", "bias"):
        torch.testing.assert_close(manual.params()[k], torch_.params()[k], atol=1e-5, rtol=0)
    probs = manual.forward(X)
    assert probs.shape == (32, 4)
    torch.testing.assert_close(probs, torch_.forward(X).detach(), atol=1e-6, rtol=0)
    assert manual.loss(X, y, "sum").item() == pytest.approx(torch_.loss(X, y, "sum").item(),
                                                            rel=1e-5)


def test_set_lr_reaches_both_twins():
    """Run.set_lr sets the manual twin's lr and the nn twin's optimizer alike."""
    config = RunConfig(model="softmax", dataset="iris3", impl="both", lr=10.0, batch_size=8,
                       init="zeros")
    run = Run(config, load("iris3"))
    X, y = next_batch(run)
    run.set_lr(0.001)
    train_one_batch(run)
    oracle = SoftmaxManual(X.shape[1], 3, lr=0.001, init="zeros")
    oracle.train_step(X, y)
    for impl in ("manual", "nn"):
        torch.testing.assert_close(run.params(impl)["weight"], oracle.params()["weight"])


def test_family_predicts_the_argmax():
    family = FAMILIES["softmax"]
    assert family.multiclass and family.tasks == ("multiclass",)
    model = SoftmaxManual(2, 3, lr=0.1, init="zeros")
    with torch.no_grad():
        model.b.copy_(torch.tensor([0.0, 5.0, 1.0]))
    labels = family.labels(family.logits(model, torch.zeros(4, 2)))
    assert labels.tolist() == [1, 1, 1, 1]


def test_twins_in_lockstep_on_digits():
    config = RunConfig(model="softmax", dataset="digits", impl="both", lr=DIGITS["lr"],
                       batch_size=DIGITS["batch_size"])
    run = Run(config, load("digits"))
    ends = [e for e in train(run, 10) if isinstance(e, EpochEnd)]
    assert len(ends) == 10
    assert run.max_param_gap < 1e-4
    m = ends[-1].metrics
    assert m["manual"].test_acc == m["nn"].test_acc
    assert m["manual"].train_loss == pytest.approx(m["nn"].train_loss, abs=1e-4)


@pytest.mark.parametrize("impl", ["manual", "nn"])
def test_digits_defaults_reach_95_percent(impl):
    config = RunConfig(model="softmax", dataset="digits", impl=impl, lr=DIGITS["lr"],
                       batch_size=DIGITS["batch_size"])
    run = Run(config, load("digits"))
    ends = [e for e in train(run, DIGITS["num_epochs"]) if isinstance(e, EpochEnd)]
    assert ends[-1].metrics[impl].test_acc >= 0.95
    assert ends[-1].metrics[impl].train_loss < ends[0].metrics[impl].train_loss


def test_iris3_is_learnable():
    config = RunConfig(model="softmax", dataset="iris3", impl="both", lr=0.05, batch_size=16)
    run = Run(config, load("iris3"))
    ends = [e for e in train(run, 100) if isinstance(e, EpochEnd)]
    assert ends[-1].metrics["nn"].test_acc >= 0.9
    assert run.max_param_gap < 1e-4


def test_multiclass_datasets_have_int64_labels_and_stratified_splits():
    digits, iris3 = load("digits"), load("iris3")
    assert digits.X_train.shape[1] == 64 and digits.image_shape == (1, 8, 8)
    assert len(digits.y_train) + len(digits.y_test) == 1797
    assert 0.0 <= digits.X_train.min() and digits.X_train.max() <= 1.0
    assert (len(iris3.y_train), len(iris3.y_test)) == (120, 30)
    for data in (digits, iris3):
        assert data.task == "multiclass" and data.y_train.dtype == torch.int64
        assert torch.bincount(data.y_test).min() > 0
    assert torch.bincount(iris3.y_test).tolist() == [10, 10, 10]
    assert torch.equal(load("digits", seed=3).y_test, load("digits", seed=3).y_test)
    assert not torch.equal(load("digits", seed=3).y_train, digits.y_train)


def test_logistic_refuses_many_classes():
    with pytest.raises(ValueError, match="cannot learn the multiclass"):
        Run(RunConfig(model="logistic", dataset="digits"), load("digits"))


def test_softmax_learns_two_classes_as_k_2_and_matches_logistic_accuracy():
    """Softmax with two classes: class numbers 0/1, two rows of weights; on iris (separable)
    both models reach the same test accuracy."""
    runs = {}
    for model in ("softmax", "logistic"):
        config = RunConfig(model=model, dataset="iris", impl="both", lr=0.1, batch_size=16,
                           num_epochs=20, standardize=True)
        run = Run(config, load("iris", standardize=True))
        for _ in train(run, 20):
            pass
        runs[model] = run
    softmax = runs["softmax"]
    assert softmax.data.y_train.dtype == torch.int64 and softmax.data.num_classes == 2
    assert softmax.params("manual")["weight"].shape == (2, 4) and softmax.max_param_gap < 1e-5
    last = {m: r.history.latest.metrics["manual"].test_acc for m, r in runs.items()}
    assert last["softmax"] == last["logistic"] == 1.0
