"""One run's settings: the single place their defaults and limits live."""
from dataclasses import asdict, dataclass, replace

from lab.data import check_name
from lab.models import FAMILIES
from lab.models.params import INITS

IMPLS = ("manual", "nn", "both")
REDUCTIONS = ("mean", "sum")
MAX_SEED = 2**31 - 1
MAX_EPOCHS = 100_000
LR_RANGE = (1e-6, 100.0)  # beyond it nothing useful is learned; the page slider spans 1e-4 … 10


@dataclass(frozen=True)
class RunConfig:
    model: str = "logistic"     # logistic, softmax or linear
    dataset: str = "hours"      # a name from lab.data.DATASETS
    impl: str = "manual"        # manual, nn, or both in lockstep
    lr: float = 0.01            # the course's learning rate for hours → pass
    batch_size: int = 64        # larger than the data means full batch
    num_epochs: int = 100
    seed: int = 0               # fixes the split, the initial parameters and the batch order
    init: str = "default"       # nn.Linear's draw for the seed, zeros, or N(0, 1)
    reduction: str = "mean"     # sum is the slides' BCELoss(size_average=False)
    standardize: bool = False   # z-score features with the training split's mean and std

    def with_(self, **changes):
        return replace(self, **changes)

    def to_dict(self):
        return asdict(self)



def validate(config):
    """Raise ValueError with a one-line, user-facing message for a bad setting."""
    if config.model not in FAMILIES:
        raise ValueError(f"unknown model {config.model!r}; choose one of {', '.join(FAMILIES)}")
    check_name(config.dataset)
    _check_choice("impl", config.impl, IMPLS)
    _check_choice("init", config.init, INITS)
    _check_choice("reduction", config.reduction, REDUCTIONS)
    lo, hi = LR_RANGE
    if not (lo <= config.lr <= hi):  # also false for nan
        raise ValueError(f"learning rate must be between {lo:g} and {hi:g}, got {config.lr}")
    if not 1 <= config.batch_size:
        raise ValueError(f"batch size must be at least 1, got {config.batch_size}")
    if not 1 <= config.num_epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}, got {config.num_epochs}")
    if not 0 <= config.seed <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {config.seed}")
    return config


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")
