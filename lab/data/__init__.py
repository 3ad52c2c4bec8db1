"""The datasets, by name: the registry DATASETS (name → loader(seed, data_dir) → Dataset)
and load(). A user's CSV file is named "csv:PATH".

  dataset     Dataset, the one type every loader returns, and what is done to one
              (split, standardize, relabel): the bottom layer, importing no other
  bundled     the sets that need no network: the course's tables, a seeded generator,
              scikit-learn's packaged iris, breast cancer and digits
  vision      MNIST, Fashion-MNIST, CIFAR-10 and two-class cuts of them, via torchvision
  imagefiles  where their files live, fetching them, reading them
  csvdata     a user's CSV as a Dataset; csvtable checks its text first
"""
from lab.data.bundled import breast_cancer, digits, hours, hours_points, iris, iris3, synthetic
from lab.data.csvdata import load_csv
from lab.data.dataset import (Dataset, as_classes, standardized,  # noqa: F401 (for callers)
                              stratified_split)
from lab.data.vision import VISION_DATASETS
from lab.text import shortened

DATASETS = {
    "hours": hours,
    "hours-points": hours_points,
    "iris": iris,
    "synthetic": synthetic,
    "breast-cancer": breast_cancer,
    "digits": digits,
    "iris3": iris3,
    **VISION_DATASETS,
}


def load(name, seed=0, standardize=False, data_dir=None, label=None):
    """The named dataset, split with `seed`, optionally standardized.

    "csv:PATH" reads a CSV file (lab.data.csvdata); `label` names its label column.
    """
    if check_name(name).startswith("csv:"):
        data = load_csv(name[len("csv:"):], seed=seed, label=label)
    else:
        data = DATASETS[name](seed=seed, data_dir=data_dir)
    return standardized(data) if standardize else data


def check_name(name):
    """`name` if it names a dataset (a registered one, or csv:PATH); else a ValueError."""
    if name not in DATASETS and not name.startswith("csv:"):
        raise ValueError(f"unknown dataset {shortened(name)!r}; "
                         f"choose one of {', '.join(DATASETS)}")
    return name
