"""The sigmoid family (experiment C9): S-shaped maps from ℝ onto (0, 1).

Each is an odd "squashing" function f with values in (−1, 1), rescaled to
(1 + f(z)) / 2 so that it reads as a probability. Only the logistic σ has
σ' = σ(1 − σ) and pairs with BCE so neatly; that is why the course uses it.
"""
import math

import torch

from lab.i18n import N_
from lab.models.functions import sigmoid


def logistic(z):
    """σ(z) = 1 / (1 + e^(−z)), the hand-written one the models use."""
    return sigmoid(z)


def tanh01(z):
    """(1 + tanh z) / 2, which is exactly σ(2z)."""
    return (1 + torch.tanh(z)) / 2


def erf01(z):
    """(1 + erf z) / 2: the normal distribution's CDF at z·√2."""
    return (1 + torch.erf(z)) / 2


def arctan01(z):
    """1/2 + arctan(z) / π: reaches 0 and 1 very slowly."""
    return 0.5 + torch.atan(z) / math.pi


def algebraic01(z):
    """(1 + z / √(1 + z²)) / 2: no exponential at all."""
    return (1 + z / torch.sqrt(1 + z**2)) / 2


def softsign01(z):
    """(1 + z / (1 + |z|)) / 2: the slowest to saturate."""
    return (1 + z / (1 + z.abs())) / 2


SIGMOIDS = {  # name (English; a legend shows it translated) → (function, its formula in LaTeX)
    N_("logistic σ(z)"): (logistic, r"\sigma(z) = \frac{1}{1 + e^{-z}}"),
    "tanh": (tanh01, r"\frac{1 + \tanh z}{2}"),
    "erf": (erf01, r"\frac{1 + \operatorname{erf} z}{2}"),
    "arctan": (arctan01, r"\frac{1}{2} + \frac{\arctan z}{\pi}"),
    N_("algebraic"): (algebraic01, r"\frac{1}{2}\left(1 + \frac{z}{\sqrt{1 + z^2}}\right)"),
    "softsign": (softsign01, r"\frac{1}{2}\left(1 + \frac{z}{1 + |z|}\right)"),
}


def sigmoid_curves(z_min=-8.0, z_max=8.0, steps=321):
    """(z, {name: values}): every member of the family on one grid of z."""
    z = torch.linspace(z_min, z_max, steps)
    return z, {name: fn(z) for name, (fn, _) in SIGMOIDS.items()}
