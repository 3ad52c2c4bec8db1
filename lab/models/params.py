"""Initial parameters, shared by the twins so that both start from the same point."""
import math

import torch
from torch import nn

INITS = ("default", "zeros", "normal")


def initial_params(num_inputs, num_outputs, init="default", seed=0):
    """(W, b) of shapes (k, d) and (k,).

    default: what nn.Linear(d, k) draws after torch.manual_seed(seed),
             W and b uniform in ±1/√d (drawn from a private generator, so
             sessions training side by side never touch the global RNG);
    zeros:   all zeros;
    normal:  N(0, 1), the course's torch.randn (experiment C2).
    """
    W = torch.zeros(num_outputs, num_inputs)
    b = torch.zeros(num_outputs)
    g = torch.Generator().manual_seed(seed)
    if init == "default":
        nn.init.kaiming_uniform_(W, a=math.sqrt(5), generator=g)
        bound = 1 / math.sqrt(num_inputs)
        nn.init.uniform_(b, -bound, bound, generator=g)
    elif init == "normal":
        W.normal_(generator=g)
        b.normal_(generator=g)
    elif init != "zeros":
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    return W, b
