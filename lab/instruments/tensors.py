"""Tensor basics (experiment C8): broadcasting, a matrix product, gradients and no_grad.

Each function returns what PyTorch computes, or the message PyTorch raises, so a
page can show either. Typed tensors are parsed with json, never with eval.
"""
import json
from dataclasses import dataclass

import torch

from lab.i18n import _

MAX_ELEMENTS = 100  # a typed tensor larger than this is a typo, not a lesson


@dataclass
class Outcome:
    code: str                         # the line of PyTorch that ran
    result: torch.Tensor | None       # what it returned, or None if it raised
    error: str | None = None          # PyTorch's own message, e.g. "RuntimeError: …"


def attempt(code, compute):
    """Run `compute()` and return an Outcome: its result, or the error it raised."""
    try:
        return Outcome(code, compute())
    except (RuntimeError, TypeError, ValueError) as exc:
        return Outcome(code, None, f"{type(exc).__name__}: {exc}")


def parse_tensor(text):
    """The tensor typed as a nested list "[[4, 5, 6]]" or as "4, 5, 6" (";" between rows).

    Raises ValueError with a one-line message for anything else.
    """
    text = text.strip()
    if not text:
        raise ValueError(_("nothing typed: write e.g. [[4, 5, 6]] or 4, 5, 6"))
    data = _parse_json(text) if text.startswith("[") else _parse_rows(text)
    try:
        tensor = torch.tensor(data)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise ValueError(_("PyTorch cannot make a tensor of {text}: {error}").format(
            text=_short(text), error=exc)) from None
    if tensor.numel() > MAX_ELEMENTS:
        raise ValueError(_("{count} numbers is too many here; at most {most}").format(
            count=tensor.numel(), most=MAX_ELEMENTS))
    return tensor


def _parse_json(text):
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError(_("{text} is not a list of numbers like [[4, 5, 6]]").format(
            text=_short(text))) from None
    stack = [data]
    while stack:  # every leaf must be a number (json also allows strings, true, null)
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            raise ValueError(_("{value} is not a number").format(value=json.dumps(item)))
    return data


def _short(text, limit=40):
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _parse_rows(text):
    rows = [_parse_numbers(row) for row in text.split(";") if row.strip()]
    return rows if ";" in text else rows[0]


def _parse_numbers(row):
    numbers = []
    for token in row.replace(",", " ").split():
        try:
            numbers.append(int(token))
        except ValueError:
            try:
                numbers.append(float(token))
            except ValueError:
                raise ValueError(_("{value} is not a number").format(value=repr(token))) from None
    return numbers


def subtract_three_ways(M, N):
    """M − N as the notes write it: the operator, the method, and in place.

    The in-place one runs on a copy of M, so that M stays as typed.
    """
    return [
        attempt("M - N", lambda: M - N),
        attempt("M.subtract(N)", lambda: M.subtract(N)),
        attempt("M.sub_(N)", lambda: M.clone().sub_(N)),
    ]


def broadcast(M, N):
    """Outcome of (M, N) expanded to their common shape: what M - N really subtracts."""
    def expand():
        shape = torch.broadcast_shapes(M.shape, N.shape)
        return M.expand(shape), N.expand(shape)
    return attempt("torch.broadcast_tensors(M, N)", expand)


def refused_in_place(M):
    """An N for which M - N works but M.sub_(N) refuses: the answer's shape is not M's.

    [[1], [2]] when it does that (the notes' N), else N with a new leading axis of 2.
    """
    for shape in ((2, 1), (2, *[1] * M.dim())):
        N = torch.arange(1, 3).reshape(shape)
        answer = attempt("M - N", lambda: M - N).result
        if answer is not None and answer.shape != M.shape:
            return N


def random_product(p_shape=(3, 2), q_shape=(4, 2), std=0.01, seed=0):
    """(P, Q, Outcome of P @ Q.T), P and Q drawn from N(0, std²) with the seed."""
    g = torch.Generator().manual_seed(seed)
    P = torch.normal(0.0, std, size=tuple(p_shape), generator=g)
    Q = torch.normal(0.0, std, size=tuple(q_shape), generator=g)
    return P, Q, attempt("P @ Q.T", lambda: P @ Q.T)


@dataclass
class GradResult:
    y3: float              # x² + x³
    grad: float            # dy3/dx as autograd finds it
    y1_grad_fn: str | None  # the graph node that made y1; None: outside the graph
    y2_grad_fn: str | None


def grad_y3(x_value):
    """y3 = x² + x³ and dy3/dx = 2x + 3x² by autograd, every step tracked."""
    x = torch.tensor(float(x_value), requires_grad=True)
    y1 = x ** 2
    y2 = x ** 3
    y3 = y1 + y2
    y3.backward()
    return GradResult(y3.item(), x.grad.item(), _node(y1), _node(y2))


def grad_y3_no_grad(x_value):
    """The same with x³ computed under torch.no_grad(): autograd sees only x², dy3/dx = 2x."""
    x = torch.tensor(float(x_value), requires_grad=True)
    y1 = x ** 2
    with torch.no_grad():  # stop tracking x³
        y2 = x ** 3
    y3 = y1 + y2
    y3.backward()
    return GradResult(y3.item(), x.grad.item(), _node(y1), _node(y2))


def _node(t):
    return None if t.grad_fn is None else t.grad_fn.name()
