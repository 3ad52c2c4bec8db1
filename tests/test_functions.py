"""Hand-written sigmoid and BCE against PyTorch: values and gradients, ordinary and extreme."""
import pytest
import torch
from torch import nn

from lab.models.functions import bce, bce_per_example, sigmoid, sigmoid_naive

LOGITS = torch.tensor([-1000.0, -150.0, -104.0, -50.0, -27.0, -5.0, -1e-3, 0.0,
                       1e-3, 5.0, 27.0, 50.0, 104.0, 150.0, 1000.0])


def grad_of(fn, z):
    z = z.clone().requires_grad_()
    out = fn(z)
    out.sum().backward()
    return out.detach(), z.grad


def test_sigmoid_matches_torch_values_and_gradients():
    ours, g_ours = grad_of(sigmoid, LOGITS)
    ref, g_ref = grad_of(torch.sigmoid, LOGITS)
    torch.testing.assert_close(ours, ref, atol=1e-7, rtol=1e-6)
    torch.testing.assert_close(g_ours, g_ref, atol=1e-7, rtol=1e-5)
    assert torch.isfinite(g_ours).all()


def test_sigmoid_gradient_at_zero_is_a_quarter():
    _, g = grad_of(sigmoid, torch.tensor([0.0]))
    assert g.item() == 0.25


def test_naive_sigmoid_value_survives_but_gradient_is_nan():
    value, g = grad_of(sigmoid_naive, torch.tensor([-100.0]))
    assert value.item() == 0.0
    assert torch.isnan(g).all()


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("label", [0.0, 1.0])
def test_bce_on_probabilities_matches_bceloss(reduction, label):
    y_hat = torch.tensor([0.0, 1e-30, 1e-8, 0.2, 0.5, 0.8, 1 - 1e-7, 1.0])
    y = torch.full_like(y_hat, label)
    a = y_hat.clone().requires_grad_()
    b = y_hat.clone().requires_grad_()
    ours = bce(a, y, reduction)
    ref = nn.BCELoss(reduction=reduction)(b, y)
    ours.backward()
    ref.backward()
    assert ours.item() == pytest.approx(ref.item(), rel=1e-6)
    torch.testing.assert_close(a.grad, b.grad, rtol=1e-5, atol=0)


def test_bce_clamps_each_log_at_minus_100():
    losses = bce_per_example(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0]))
    assert losses.tolist() == [100.0, 100.0]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_sigmoid_then_bce_matches_torch_at_extreme_logits(reduction):
    # Where torch.sigmoid underflows to exactly 0 or 1 (|z| > 88.7 on the wrong side) the
    # hand sigmoid is still the true, subnormal value; both are then clamped or vanish, so
    # we compare the gradients everywhere and the values where both are defined the same.
    z = LOGITS[(LOGITS.abs() < 88) | (LOGITS.abs() > 104)]
    for label in (0.0, 1.0):
        y = torch.full_like(z, label)
        a, b = z.clone().requires_grad_(), z.clone().requires_grad_()
        ours = bce(sigmoid(a), y, reduction)
        ref = nn.BCELoss(reduction=reduction)(torch.sigmoid(b), y)
        ours.backward()
        ref.backward()
        assert ours.item() == pytest.approx(ref.item(), rel=1e-5)
        assert torch.isfinite(a.grad).all()
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-6)


def test_the_sigmoids_derivative_comes_from_its_output_as_torchs_does():
    """Why Sigmoid is a Function. For y = 0 and z ≥ 16.7, ŷ rounds to 1: torch.sigmoid then
    nn.BCELoss gives the gradient 0; for z from 8 to 16.6 its rounded ŷ(1 − ŷ) cancels the
    one BCE divides by. Autograd through the same plain operations does neither."""
    z, y = torch.tensor([8.0, 12.0, 16.0, 17.0, 20.0, 30.0]), torch.zeros(6)

    def plain(z):  # Sigmoid's forward, differentiated by autograd
        e = torch.exp(torch.where(z < 0, z, -z))
        return torch.where(z < 0, e / (1 + e), 1 / (1 + e))

    def grad(sig, loss):
        z_ = z.clone().requires_grad_()
        loss(sig(z_), y).backward()
        return z_.grad

    oracle = grad(torch.sigmoid, nn.BCELoss(reduction="sum"))
    assert oracle[3:].tolist() == [0.0, 0.0, 0.0]
    torch.testing.assert_close(grad(sigmoid, lambda p, y: bce(p, y, "sum")), oracle,
                               rtol=1e-6, atol=0)
    by_autograd = grad(plain, lambda p, y: bce(p, y, "sum"))
    assert by_autograd[3].item() > 1e4                  # 41 000 where torch has 0
    assert (by_autograd[:3] - oracle[:3]).abs().max() > 1e-3


def test_slides_bce_table():
    y_hat = torch.tensor([0.2, 0.8, 0.3, 0.7])
    y = torch.tensor([1.0, 1.0, 0.0, 0.0])
    per_example = [round(v, 4) for v in bce_per_example(y_hat, y).tolist()]
    assert per_example == [1.6094, 0.2231, 0.3567, 1.2040]
    assert round(bce(y_hat, y).item(), 4) == 0.8483
