"""Linear regression (C6): hand MSE, the linear twins, the loss landscape. PyTorch is the oracle."""
import pytest
import torch
from torch import nn

from lab.config import RunConfig
from lab.data import DATASETS, load
from lab.models.functions import mse
from lab.instruments.landscape import largest_stable_lr, mse_along, mse_surface
from lab.models.linear import LinearManual, LinearNN, predict
from lab.models import FAMILIES
from lab.train import EpochEnd, Run, train
from tests.linear_helpers import grad_table, notes_model, set_params


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("scale", [1.0, 1e-3, 1e3])
def test_mse_matches_nn_mse_loss_values_and_grads(reduction, scale):
    g = torch.Generator().manual_seed(1)
    y = torch.randn(7, generator=g) * scale
    y_hat_mine = (torch.randn(7, generator=g) * scale).requires_grad_()
    y_hat_torch = y_hat_mine.detach().clone().requires_grad_()
    mine = mse(y_hat_mine, y, reduction)
    oracle = nn.MSELoss(reduction=reduction)(y_hat_torch, y)
    mine.backward()
    oracle.backward()
    torch.testing.assert_close(mine, oracle)
    torch.testing.assert_close(y_hat_mine.grad, y_hat_torch.grad)


def test_mse_by_hand():
    y_hat, y = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 4.0, 6.0])
    assert mse(y_hat, y).item() == pytest.approx((1 + 4 + 9) / 3)
    assert mse(y_hat, y, "sum").item() == pytest.approx(14.0)


def test_hours_points_dataset():
    data = load("hours-points")
    assert "hours-points" in DATASETS
    assert data.task == "regression"
    assert data.X_train.tolist() == [[1.0], [2.0], [3.0]]
    assert data.y_train.tolist() == [2.0, 4.0, 6.0]
    assert data.y_train.dtype == torch.float32
    assert data.X_test is None and data.y_test is None


def test_linear_family_is_registered_for_regression_only():
    family = FAMILIES["linear"]
    assert family.twins == {"manual": LinearManual, "nn": LinearNN}
    assert family.tasks == ("regression",)
    assert family.labels is None


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_twins_agree_in_lockstep(reduction):
    g = torch.Generator().manual_seed(3)
    X, y = torch.randn(12, 2, generator=g), torch.randn(12, generator=g)
    manual = LinearManual(2, 0.05, reduction, "default", seed=5)
    torch_nn = LinearNN(2, 0.05, reduction, "default", seed=5)
    for step in range(30):
        rows = slice(4 * (step % 3), 4 * (step % 3) + 4)
        a, b = manual.train_step(X[rows], y[rows]), torch_nn.train_step(X[rows], y[rows])
        torch.testing.assert_close(a, b)
        for key, value in manual.params().items():
            torch.testing.assert_close(value, torch_nn.params()[key])
    assert manual.params()["weight"].shape == (1, 2)
    assert manual.params()["bias"].shape == (1,)
    fresh = LinearManual(2, 0.05, seed=5).params()["weight"]
    assert not torch.equal(manual.params()["weight"], fresh)   # it did train


def test_twins_start_from_nn_linear_default_draw():
    torch.manual_seed(0)
    layer = nn.Linear(1, 1)
    for model in (LinearManual(1, 0.01, seed=0), LinearNN(1, 0.01, seed=0)):
        torch.testing.assert_close(model.params()["weight"], layer.weight.detach())
        torch.testing.assert_close(model.params()["bias"], layer.bias.detach())


def test_loss_reduction_override_matches_functional():
    model = LinearNN(1, 0.01, "sum")
    X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([1.0, 5.0])
    for reduction in ("mean", "sum"):
        mine = LinearManual(1, 0.01, "sum").loss(X, y, reduction)
        torch.testing.assert_close(mine, model.loss(X, y, reduction))
    torch.testing.assert_close(model.loss(X, y), model.loss(X, y, "sum"))


def test_c6_nn_run_predicts_8_at_4_hours():
    """nn.Linear + MSELoss(sum) + SGD lr 0.01, full batch, 1000 epochs, as the notes do."""
    config = RunConfig(model="linear", dataset="hours-points", impl="nn", lr=0.01,
                       reduction="sum", batch_size=3, num_epochs=1000, seed=0)
    run = Run(config, load("hours-points"))
    ends = [e for e in train(run, 1000) if isinstance(e, EpochEnd)]
    assert len(ends) == 1000
    assert ends[-1].metrics["nn"].train_acc is None
    assert ends[-1].metrics["nn"].train_loss < 1e-5
    assert abs(predict(run.models["nn"], 4) - 8) < 0.05
    assert abs(run.params("nn")["weight"].item() - 2) < 0.01


def test_c6_course_loop_written_out_agrees_with_the_run():
    """The notes' own nn loop (criterion, zero_grad, backward, step) lands on the same params."""
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([[2.0], [4.0], [6.0]])
    for _ in range(1000):
        loss = criterion(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    twin = LinearNN(1, 0.01, "sum", seed=0)
    data = load("hours-points")
    for _ in range(1000):
        twin.train_step(data.X_train, data.y_train)
    torch.testing.assert_close(twin.params()["weight"], model.weight.detach())
    torch.testing.assert_close(twin.params()["bias"], model.bias.detach())


def test_grad_table_prints_the_notes_grads():
    """The notes' manual loop: w = 1, no bias, per-sample SGD, lr 0.01."""
    data = load("hours-points")
    rows = grad_table(notes_model(), data.X_train, data.y_train, epoch=0)
    assert [r["grad_w"] for r in rows] == pytest.approx([-2.0, -7.84, -16.2288], abs=1e-4)
    assert [r["grad_b"] for r in rows] == [None, None, None]
    assert rows[-1]["loss"] == pytest.approx(7.3159, abs=1e-4)
    assert rows[0]["w"] == pytest.approx(1.02)


def test_grad_table_agrees_with_autograd_on_the_oracle_loop():
    model = set_params(LinearManual(1, 0.01, "sum"), weight=0.5, bias=0.25)
    w = torch.tensor([0.5], requires_grad=True)
    b = torch.tensor([0.25], requires_grad=True)
    data = load("hours-points")
    for epoch in range(3):
        for row, (x, y) in zip(grad_table(model, data.X_train, data.y_train, epoch),
                               zip(data.X_train, data.y_train)):
            loss = nn.functional.mse_loss(x * w + b, y.reshape(1), reduction="sum")
            loss.backward()
            assert row["grad_w"] == pytest.approx(w.grad.item())
            assert row["grad_b"] == pytest.approx(b.grad.item())
            with torch.no_grad():
                w -= 0.01 * w.grad
                b -= 0.01 * b.grad
            w.grad.zero_()
            b.grad.zero_()
            assert row["w"] == pytest.approx(w.item())
    assert predict(model, 4) == pytest.approx(4 * w.item() + b.item())


def test_mse_surface_1d_and_2d_match_the_loss_at_each_point():
    data = load("hours-points")
    ws, losses = mse_surface(data.X_train, data.y_train, (0, 4), steps=9, b=0.5)
    for w, loss in zip(ws, losses):
        oracle = nn.functional.mse_loss(data.X_train.reshape(-1) * w + 0.5, data.y_train)
        assert loss.item() == pytest.approx(oracle.item(), rel=1e-5)
    assert ws[int(losses.argmin())].item() == pytest.approx(2.0, abs=0.5)
    ws, bs, grid = mse_surface(data.X_train, data.y_train, (0, 4), (-1, 1), steps=5,
                               reduction="sum")
    assert grid.shape == (5, 5)
    for j, b in enumerate(bs):
        for i, w in enumerate(ws):
            oracle = nn.functional.mse_loss(data.X_train.reshape(-1) * w + b, data.y_train,
                                            reduction="sum")
            assert grid[j, i].item() == pytest.approx(oracle.item(), rel=1e-5)
    assert grid[2, 2].item() == pytest.approx(0.0, abs=1e-6)  # w = 2, b = 0 fits exactly


def test_mse_surface_needs_one_feature():
    with pytest.raises(ValueError, match="one feature"):
        mse_surface(torch.zeros(3, 2), torch.zeros(3), (0, 1))


def test_the_landscape_of_a_diverging_road_is_finite():
    """A diverging run's (w, b) reach float32's end (3.4e38); the loss there must still be
    a number a chart can draw. The ends come from ui.charts.snapped: huge ones are ints."""
    data = load("hours-points")
    X, y = data.X_train, data.y_train
    ws, bs, grid = mse_surface(X, y, (-4 * 10**38, 4 * 10**38), (-10**38, 10**38), steps=5,
                               reduction="sum")
    assert torch.isfinite(grid).all() and grid.max() > 1e76
    assert ws[0].item() == -4e38  # past float32's range: kept in float64
    big = torch.tensor([3.4e38, -3.4e38])  # float32, as the road holds them
    losses = mse_along(X, y, big, -big, "mean")
    assert torch.isfinite(losses).all()
    oracle = ((big[0].double() * X.reshape(-1).double() - big[0].double() - y) ** 2).mean()
    assert losses[0].item() == pytest.approx(oracle.item(), rel=1e-12)


@pytest.mark.parametrize(("reduction", "limit"), [("sum", 0.0601), ("mean", 0.1803)])
def test_largest_stable_lr_is_2_over_the_hessians_largest_eigenvalue(reduction, limit):
    data = load("hours-points")
    X, y = data.X_train.double(), data.y_train.double()

    def loss(theta):  # theta = (w, b)
        return nn.functional.mse_loss(X.reshape(-1) * theta[0] + theta[1], y,
                                      reduction=reduction)

    hessian = torch.autograd.functional.hessian(loss, torch.zeros(2, dtype=torch.float64))
    oracle = 2 / torch.linalg.eigvalsh(hessian).max().item()
    assert largest_stable_lr(data.X_train, data.y_train, reduction) == pytest.approx(oracle)
    assert oracle == pytest.approx(limit, abs=1e-4)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_full_batch_gradient_descent_diverges_just_past_the_limit(reduction):
    data = load("hours-points")
    limit = largest_stable_lr(data.X_train, data.y_train, reduction)
    ends = {}
    for factor in (0.95, 1.05):
        model = LinearManual(1, factor * limit, reduction, seed=0)
        for _ in range(300):
            model.train_step(data.X_train, data.y_train)
        ends[factor] = model.params()["weight"].item()
    assert ends[0.95] == pytest.approx(2.0, abs=0.05)
    assert abs(ends[1.05]) > 100
