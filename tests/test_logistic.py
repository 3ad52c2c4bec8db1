"""The logistic twins: same start, same steps, same numbers; and the course's results."""
import math

import pytest
import torch
from torch import nn

from lab.config import RunConfig
from lab.data import load
from lab.models.logistic import LogisticManual, LogisticNN
from lab.models.params import initial_params
from lab.train import Diverged, EpochEnd, Run, Step, train, train_one_batch


@pytest.mark.parametrize("shape", [(1, 1), (4, 1), (30, 1), (784, 10)])
@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_default_init_is_what_nn_linear_draws(shape, seed):
    d, k = shape
    W, b = initial_params(d, k, "default", seed)
    torch.manual_seed(seed)
    layer = nn.Linear(d, k)
    assert torch.equal(W, layer.weight.detach())
    assert torch.equal(b, layer.bias.detach())


def test_zeros_init():
    W, b = initial_params(3, 1, "zeros", 5)
    assert not W.any() and not b.any()


def test_twins_start_equal_and_take_equal_steps():
    X = torch.randn(16, 3, generator=torch.Generator().manual_seed(0))
    y = (X[:, 0] > 0).float()
    manual = LogisticManual(3, lr=0.5, seed=3)
    torch_ = LogisticNN(3, lr=0.5, seed=3)
    for _ in range(20):
        a, b = manual.train_step(X, y), torch_.train_step(X, y)
        assert a.item() == pytest.approx(b.item(), abs=1e-6)
    for k in ("weight", "bias"):
        torch.testing.assert_close(manual.params()[k], torch_.params()[k], atol=1e-6, rtol=0)


def _lockstep(dataset, lr, batch_size, epochs=100, **kw):
    config = RunConfig(dataset=dataset, impl="both", lr=lr, batch_size=batch_size,
                       num_epochs=epochs, seed=0, **kw)
    run = Run(config, load(dataset, seed=0))
    for _ in train(run, epochs):
        pass
    return run


@pytest.mark.parametrize("dataset, lr, batch_size", [("iris", 0.1, 16), ("synthetic", 0.1, 64)])
def test_twins_agree_in_lockstep_for_100_epochs(dataset, lr, batch_size):
    run = _lockstep(dataset, lr, batch_size)
    assert run.epoch == 100
    assert run.max_param_gap < 1e-4
    assert run.max_loss_gap < 1e-5


@pytest.mark.parametrize("dataset, lr, batch_size, reduction", [
    ("breast-cancer", 0.01, 64, "mean"),     # unscaled features: |z| in the thousands
    ("breast-cancer", 1.0, 32, "sum"),
    ("hours", 10.0, 3, "sum"),               # overshoots until ŷ rounds to 0 or 1
])
def test_twins_agree_in_lockstep_where_the_sigmoid_saturates(dataset, lr, batch_size, reduction):
    """Where σ rounds to exactly 0 or 1 the hand-written sigmoid and BCE must give the
    gradient PyTorch gives (0, by the rounded ŷ(1 − ŷ)), or the twins drift apart: a
    sigmoid left to autograd's exact derivative drifted by up to 2e7 here."""
    run = _lockstep(dataset, lr, batch_size, epochs=20, reduction=reduction)
    data = run.data
    with torch.no_grad():
        y_hat = run.models["nn"].forward(data.features(data.X_train))
    assert ((y_hat == 0) | (y_hat == 1)).any(), "the run never saturated: it tests nothing"
    assert run.max_param_gap < 1e-4
    assert run.max_loss_gap < 1e-5


def test_twins_agree_with_summed_loss_and_zeros_init():
    run = _lockstep("iris", 0.01, 8, epochs=30, reduction="sum", init="zeros")
    assert run.max_param_gap < 1e-4


def test_c1_slides_preset_crosses_one_half_between_2_and_3_hours():
    run = _lockstep("hours", 0.01, 100, epochs=1000, reduction="sum")
    for impl in ("manual", "nn"):
        p = run.params(impl)
        crossing = -p["bias"].item() / p["weight"].item()
        assert 2.0 < crossing < 3.0
        model = run.models[impl]
        probs = model.forward(torch.tensor([[2.0], [3.0]]))
        assert probs[0] < 0.5 < probs[1]


def test_synthetic_reaches_95_percent_test_accuracy_within_100_epochs():
    config = RunConfig(dataset="synthetic", impl="manual", lr=0.1, batch_size=64, num_epochs=100)
    run = Run(config, load("synthetic"))
    best = max(e.metrics["manual"].test_acc for e in train(run, 100) if isinstance(e, EpochEnd))
    assert best >= 0.95


def test_same_seed_same_run_and_other_seed_other_run():
    def final(seed):
        run = Run(RunConfig(dataset="synthetic", lr=0.1, batch_size=32, seed=seed), load("synthetic", seed))
        for _ in train(run, 3):
            pass
        return run.params("manual")["weight"].clone()

    assert torch.equal(final(7), final(7))
    assert not torch.equal(final(7), final(8))


def test_stopping_and_resuming_gives_the_same_run_as_straight_through():
    config = RunConfig(dataset="iris", lr=0.05, batch_size=16)
    straight = Run(config, load("iris"))
    for _ in train(straight, 4):
        pass
    resumed = Run(config, load("iris"))
    for i, _ in enumerate(train(resumed, 4)):
        if i == 7:  # stop mid-epoch, as the Stop button does
            break
    for _ in range(3):
        train_one_batch(resumed)
    for _ in train(resumed, 4):
        pass
    assert resumed.epoch == 4
    assert torch.equal(straight.params("manual")["weight"], resumed.params("manual")["weight"])


def test_step_does_one_batch_and_closes_the_epoch_on_its_last():
    run = Run(RunConfig(dataset="iris", batch_size=40), load("iris"))  # 80 rows: 2 batches
    first = train_one_batch(run)
    assert [type(e) for e in first] == [Step] and run.batch == 1
    second = train_one_batch(run)
    assert [type(e) for e in second] == [Step, EpochEnd] and run.epoch == 1 and run.batch == 0


def test_batch_larger_than_data_is_full_batch():
    run = Run(RunConfig(dataset="iris", batch_size=10_000), load("iris"))
    events = list(train(run, 1))
    steps = [e for e in events if isinstance(e, Step)]
    assert len(steps) == 1 and len(steps[0].y) == 80


def test_epoch_loss_is_mean_per_example_whatever_the_reduction():
    data = load("iris")
    run = Run(RunConfig(dataset="iris", reduction="sum", lr=0.0001, batch_size=8), data)
    end = [e for e in train(run, 1) if isinstance(e, EpochEnd)][0]
    model = run.models["manual"]
    with torch.no_grad():
        expected = nn.functional.binary_cross_entropy(model.forward(data.X_train), data.y_train)
    assert end.metrics["manual"].train_loss == pytest.approx(expected.item(), rel=1e-5)
    assert end.metrics["manual"].test_loss is not None


def test_divergence_stops_keeps_history_and_last_good_parameters():
    config = RunConfig(dataset="breast-cancer", impl="both", lr=100.0, batch_size=1 << 20,
                       reduction="sum", num_epochs=50)
    run = Run(config, load("breast-cancer"))
    run.models["manual"].lr = 1e36  # push the learning rate far past any slider
    run.models["nn"].optimizer.param_groups[0]["lr"] = 1e36
    events = list(train(run, 50))
    assert isinstance(events[-1], Diverged)
    assert "learning rate" in events[-1].message and "Lower" in events[-1].message
    assert run.epoch < 50
    for impl in run.models:
        assert all(torch.isfinite(v).all() for v in run.params(impl).values())
    assert len(run.history) == run.epoch


def test_history_stays_bounded_over_a_long_run():
    run = Run(RunConfig(dataset="hours", batch_size=3, num_epochs=5000), load("hours"))
    for _ in train(run, 5000):
        pass
    assert len(run.history) <= run.history.max_points
    epochs, cols = run.history.series("manual")
    assert epochs[0] == 1 and epochs[-1] == 5000
    assert all(math.isfinite(v) for v in cols["train_loss"])


@pytest.mark.parametrize("model, dataset", [("logistic", "synthetic"), ("softmax", "iris"),
                                            ("linear", "hours-points")])
def test_a_runs_parameters_live_in_one_flat_tensor_that_training_updates(model, dataset):
    """Run.flat holds every twin's parameters in order (the step's save, size and path
    read it): each parameter is a view of its slice, before and after updates."""
    import copy
    config = RunConfig(model=model, dataset=dataset, impl="both", lr=0.1, batch_size=16,
                       num_epochs=2)
    run = Run(config, load(dataset))
    before = run.flat.clone()
    list(train(run, 2))
    params = [p for m in run.models.values() for p in m.parameters()]
    assert torch.equal(run.flat, torch.cat([p.detach().reshape(-1) for p in params]))
    assert not torch.equal(run.flat, before)  # the updates reached it
    first = next(iter(run.views.values()))
    if run.path is not None:
        assert run.path.points[-1][1:] == tuple(torch.cat([v.reshape(-1) for v in
                                                           first.values()]).tolist())
    twin = copy.deepcopy(run.models["manual"])  # the gradient check copies a twin
    assert all(torch.equal(a, b) for a, b in zip(twin.parameters(),
                                                  run.models["manual"].parameters()))
