"""The lab side of the losses and tensor pages (C7–C9), against PyTorch as the oracle."""
import math

import pytest
import torch
from torch.nn import functional as F

from lab.instruments import explain, tensors
from lab.models import sigmoids

SLIDES_Y = torch.tensor([1.0, 1.0, 0.0, 0.0])
SLIDES_Y_HAT = torch.tensor([0.2, 0.8, 0.3, 0.7])


def test_slides_bce_table():
    columns, mean = explain.bce_terms(SLIDES_Y_HAT, SLIDES_Y)
    assert columns["loss"] == pytest.approx([1.6094, 0.2231, 0.3567, 1.2040], abs=1e-4)
    assert mean == pytest.approx(0.8483, abs=1e-4)
    assert mean == pytest.approx(F.binary_cross_entropy(SLIDES_Y_HAT, SLIDES_Y).item())


def test_clamped_rows_are_those_bce_scores_100():
    y_hat, y = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5]), torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
    assert explain.clamped_rows(y_hat, y) == [0, 1]
    losses = F.binary_cross_entropy(y_hat, y, reduction="none")
    assert losses[:2].tolist() == [100.0, 100.0]
    columns, _ = explain.bce_terms(y_hat, y)
    assert columns["loss"][:2] == [100.0, 100.0]


def test_bce_curves_are_minus_log():
    y_hat, loss_y1, loss_y0 = explain.bce_curves(steps=11)
    torch.testing.assert_close(loss_y1, -torch.log(y_hat))
    torch.testing.assert_close(loss_y0, -torch.log(1 - y_hat))


def test_mse_vs_bce_gradients_match_autograd_through_torch_ops():
    z = torch.linspace(-10, 10, 41)
    columns = explain.mse_vs_bce_gradients(z)
    zz = z.clone().requires_grad_()
    F.mse_loss(torch.sigmoid(zz), torch.ones(41), reduction="sum").backward()
    torch.testing.assert_close(torch.tensor(columns["dMSE/dz"]), zz.grad)
    zz.grad = None
    F.binary_cross_entropy_with_logits(zz, torch.ones(41), reduction="sum").backward()
    torch.testing.assert_close(torch.tensor(columns["dBCE/dz"]), zz.grad, atol=1e-5, rtol=1e-4)
    # confidently wrong (z = −10, y = 1): MSE has all but stopped, BCE has not
    assert abs(columns["dMSE/dz"][0]) < 1e-3
    assert columns["dBCE/dz"][0] == pytest.approx(-1.0, abs=1e-3)


@pytest.mark.parametrize("name", list(sigmoids.SIGMOIDS))
def test_every_sigmoid_maps_onto_0_1_through_one_half(name):
    fn, formula = sigmoids.SIGMOIDS[name]
    z = torch.linspace(-20, 20, 401)
    values = fn(z)
    assert formula
    assert fn(torch.tensor(0.0)).item() == pytest.approx(0.5)
    assert ((values >= 0) & (values <= 1)).all()
    assert (values[1:] >= values[:-1]).all()
    assert values[0] < 0.1 and values[-1] > 0.9


def test_sigmoids_against_torch():
    z = torch.linspace(-8, 8, 101)
    torch.testing.assert_close(sigmoids.logistic(z), torch.sigmoid(z))
    torch.testing.assert_close(sigmoids.tanh01(z), torch.sigmoid(2 * z))
    torch.testing.assert_close(sigmoids.erf01(z), torch.special.ndtr(z * math.sqrt(2)))
    torch.testing.assert_close(sigmoids.softsign01(z), (1 + F.softsign(z)) / 2)
    _, curves = sigmoids.sigmoid_curves(steps=11)
    assert set(curves) == set(sigmoids.SIGMOIDS)


@pytest.mark.parametrize(("text", "expected"), [
    ("[[4, 5, 6]]", [[4, 5, 6]]),
    ("[[1], [2]]", [[1], [2]]),
    ("4, 5, 6", [4, 5, 6]),
    ("1; 2", [[1], [2]]),
    ("1.5 2, 3; 4 5 6", [[1.5, 2, 3], [4, 5, 6]]),
])
def test_parse_tensor(text, expected):
    assert tensors.parse_tensor(text).tolist() == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "nothing typed"),
    ("__import__('os')", "is not a number"),
    ("[[1, 2], [3]]", "expected sequence of length 2"),
    ('["a"]', '"a" is not a number'),
    ("[true]", "true is not a number"),
    ("[[1, 2]", "is not a list of numbers"),
    ("[" * 5000 + "]" * 5000, "is not a list of numbers"),
    ("1, 2; x", "'x' is not a number"),
    (", ".join(["1"] * 101), "too many"),
])
def test_parse_tensor_rejects_with_a_message(text, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(")):
        tensors.parse_tensor(text)


def test_subtract_three_ways_c8():
    M, N = torch.tensor([[4, 5, 6]]), torch.tensor([[1], [2]])
    minus, method, in_place = tensors.subtract_three_ways(M, N)
    assert minus.result.tolist() == [[3, 4, 5], [2, 3, 4]] == method.result.tolist()
    assert in_place.result is None
    with pytest.raises(RuntimeError) as oracle:
        M.clone().sub_(N)
    assert in_place.error == f"RuntimeError: {oracle.value}"
    assert "output with shape [1, 3] doesn't match the broadcast shape [2, 3]" in in_place.error
    assert M.tolist() == [[4, 5, 6]]  # M is left as typed


def test_in_place_works_when_the_answer_fits():
    M, N = torch.tensor([[4, 5, 6], [7, 8, 9]]), torch.tensor([[1], [2]])
    in_place = tensors.subtract_three_ways(M, N)[2]
    assert in_place.error is None and in_place.result.tolist() == [[3, 4, 5], [5, 6, 7]]


@pytest.mark.parametrize(("M", "N"), [
    ([[4, 5, 6]], [[1], [2]]),                        # the notes' N already refuses
    ([[4, 5, 6], [7, 8, 9]], [[[1]], [[2]]]),         # it fits: a new leading axis does not
    ([[1.5], [2.5]], [[[1]], [[2]]]),
    (7, [[1], [2]]),
    ([1, 2, 3], [[1], [2]]),
])
def test_refused_in_place_gives_an_N_the_in_place_subtraction_refuses(M, N):
    M = torch.tensor(M)
    refused = tensors.refused_in_place(M)
    minus, method, in_place = tensors.subtract_three_ways(M, refused)
    assert minus.error is None and method.error is None
    assert in_place.result is None and "doesn't match the broadcast shape" in in_place.error
    assert refused.tolist() == N


def test_broadcast_shows_the_expanded_tensors_or_the_error():
    M, N = torch.tensor([[4, 5, 6]]), torch.tensor([[1], [2]])
    Mb, Nb = tensors.broadcast(M, N).result
    assert Mb.tolist() == [[4, 5, 6], [4, 5, 6]] and Nb.tolist() == [[1, 1, 1], [2, 2, 2]]
    bad = tensors.broadcast(M, torch.tensor([1, 2]))
    assert bad.result is None and bad.error.startswith("RuntimeError")


def test_random_product_is_seeded_and_checked_by_torch():
    P, Q, product = tensors.random_product(seed=0)
    assert P.shape == (3, 2) and Q.shape == (4, 2) and product.result.shape == (3, 4)
    torch.testing.assert_close(product.result, torch.mm(P, Q.t()))
    assert P.abs().max() < 0.06 and 0.002 < P.std() < 0.03
    P2, _, _ = tensors.random_product(seed=0)
    assert torch.equal(P, P2)
    assert not torch.equal(P, tensors.random_product(seed=1)[0])
    _, _, bad = tensors.random_product((3, 2), (4, 3))
    assert bad.result is None and "cannot be multiplied" in bad.error


@pytest.mark.parametrize("x", [1.0, 2.0, -0.5])
def test_no_grad_cuts_x_cubed_out_of_the_gradient(x):
    tracked, cut = tensors.grad_y3(x), tensors.grad_y3_no_grad(x)
    assert tracked.grad == pytest.approx(2 * x + 3 * x**2)
    assert cut.grad == pytest.approx(2 * x)
    assert tracked.y3 == pytest.approx(cut.y3) == pytest.approx(x**2 + x**3)
    assert tracked.y2_grad_fn == "PowBackward0" and cut.y2_grad_fn is None
