"""The PyTorch calls behind the lessons' reveals that need no training (lab.lessons): the
slides' BCE table (C7), broadcasting and no_grad (C8), MSE's and BCE's gradients (C9).
Each returns a Result whose facts hold the answer in the form the prediction takes."""
import torch
from torch.nn import functional as F

from lab.i18n import N_, Joined, Said
from lab.instruments import tensors
from lab.instruments.explain import SLIDES_Y, SLIDES_Y_HAT, mse_vs_bce_gradients
from lab.instruments.reveals import Printed, Result, Table
from lab.numbers import human

M, N = [[4, 5, 6]], [[1], [2]]  # C8: a (1×3) and a (2×1)
# The options are compared with the calls' answers: kept in English, shown with _()
SHAPES = ("1×3", "2×1", "2×3", N_("an error"))
IN_PLACE = (N_("M becomes the 2×3 answer"), N_("M keeps its 1×3 shape, with new numbers"),
            N_("an error: the answer does not fit in M"))
GRADIENT_SIZES = (N_("MSE's"), N_("BCE's"), N_("about the same"))
TRENDS = (N_("grows"), N_("shrinks toward 0"), N_("stays about the same"))
ROWS = (N_("row 1"), N_("row 2"), N_("row 3"), N_("row 4"))  # the slides' table, C7
assert len(ROWS) == len(SLIDES_Y)


def slides_bce():
    """PyTorch's BCE of each row of the slides' table, and the mini-batch mean."""
    y, y_hat = torch.tensor(SLIDES_Y), torch.tensor(SLIDES_Y_HAT)
    losses = F.binary_cross_entropy(y_hat, y, reduction="none")        # (4,)
    mean = F.binary_cross_entropy(y_hat, y).item()                     # the mini-batch loss
    rows = list(ROWS)
    worst = rows[int(losses.argmax())]
    table = Table({"y": list(SLIDES_Y), "ŷ": list(SLIDES_Y_HAT), "BCE": losses.tolist()},
                  rows, N_("example"))
    return Result({"answer": worst, "mean": mean, "losses": losses.tolist()}, table, (
        Said(N_("F.binary_cross_entropy gives {losses}; their mean, the mini-batch loss, "
                "is {mean}."), losses=", ".join(map(human, losses.tolist())),
             mean=human(mean)),))


def subtracted(code):
    """PyTorch's answer to one of the notes' three subtractions of N from M (`code`); for
    the in-place one, also sub_ on a 2×3 tensor, where the answer fits."""
    o = {o.code: o for o in tensors.subtract_three_ways(torch.tensor(M), torch.tensor(N))}[code]
    shape = None if o.error else "×".join(map(str, o.result.shape))
    if o.error:
        in_place = IN_PLACE[2]
    else:
        in_place = IN_PLACE[0] if o.result.shape == (2, 3) else IN_PLACE[1]
    lines = [("M = torch.tensor([[4, 5, 6]])", str(torch.tensor(M))),
             ("N = torch.tensor([[1], [2]])", str(torch.tensor(N))),
             (code, o.error or str(o.result))]
    said = [Said(N_("PyTorch: {code} gives a {shape} tensor."), code=code, shape=shape)
            if shape else Said(N_("PyTorch: {code} gives an error ({error})."), code=code,
                               error=o.error.split(":")[0])]
    if code.startswith("M.sub_"):
        M2 = torch.tensor(M).repeat(2, 1)                               # (2, 3)
        before = str(M2)
        fits = tensors.attempt("M2.sub_(N)", lambda: M2.sub_(torch.tensor(N)))
        lines += [("M2 = M.repeat(2, 1)", before), (fits.code, fits.error or str(fits.result))]
        said.append(Said(N_("On M2, 2×3, M2.sub_(N) gives an error ({error})."),
                         error=fits.error.split(":")[0]) if fits.error else
                    Said(N_("On M2, 2×3, M2.sub_(N) works: N is broadcast to 2×3 and M2 is "
                            "written in place.")))
    return Result({"shape": shape or SHAPES[3], "in_place": in_place}, Printed(lines),
                  tuple(said))


def no_grad_gradient():
    """dy3/dx at x = 1 for y3 = x² + x³, with x³ under torch.no_grad(), and without."""
    cut, tracked = tensors.grad_y3_no_grad(1.0), tensors.grad_y3(1.0)
    lines = [("y3 = x**2 + x**3  (x**3 under torch.no_grad())", f"x.grad = {cut.grad:g}"),
             ("y3 = x**2 + x**3  (all tracked)", f"x.grad = {tracked.grad:g}"),
             ("y2.grad_fn  (x**3 under no_grad)", str(cut.y2_grad_fn))]
    return Result({"answer": f"{cut.grad:g}", "tracked": tracked.grad}, Printed(lines), (
        Said(N_("Autograd: dy3/dx = {cut} with x³ untracked, {tracked} with it tracked."),
             cut=f"{cut.grad:g}", tracked=f"{tracked.grad:g}"),))


def gradients_at(zs):
    """d loss/dz of MSE and BCE on σ(z) for y = 1, by autograd, at each z."""
    g = mse_vs_bce_gradients(torch.tensor(zs))
    d_mse, d_bce = g["dMSE/dz"], g["dBCE/dz"]
    first = abs(d_mse[0]), abs(d_bce[0])
    larger = GRADIENT_SIZES[2] if max(first) <= 1.1 * min(first) else \
        GRADIENT_SIZES[0] if first[0] > first[1] else GRADIENT_SIZES[1]
    sizes = [abs(v) for v in d_mse]
    trend = TRENDS[1] if all(b < a for a, b in zip(sizes, sizes[1:])) else \
        TRENDS[0] if all(b > a for a, b in zip(sizes, sizes[1:])) else TRENDS[2]
    table = Table({name: g[name] for name in ("ŷ", "MSE", "BCE", "dMSE/dz", "dBCE/dz")},
                  [f"z = {z:g}" for z in zs], "y = 1")
    return Result({"larger": larger, "trend": trend}, table, (
        Said(N_("Autograd, for y = 1: {values}."), values=Joined(N_("; "), [
            Said(N_("at z = {z}, dMSE/dz = {mse} and dBCE/dz = {bce}"), z=f"{z:g}",
                 mse=f"{m:.3g}", bce=f"{b:.3g}") for z, m, b in zip(zs, d_mse, d_bce)])),))
