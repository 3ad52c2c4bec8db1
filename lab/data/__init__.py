"""Datasets behind one registry: name → loader(seed, data_dir) → Dataset.

Bundled sets (lab.data.bundled) need no network; MNIST, Fashion-MNIST and
CIFAR-10 come through torchvision (lab.data.vision, lab.data.imagefiles); a
user's CSV is read by lab.data.csvdata (lab.data.csvtable checks its text).
"""
from lab.data.bundled import breast_cancer, digits, hours, hours_points, iris, iris3, synthetic
from lab.data.csvdata import load_csv
from lab.data.dataset import (Dataset, as_classes, shortened, standardized,  # noqa: F401
                              stratified_split)
from lab.data.vision import VISION_DATASETS  # MNIST, Fashion-MNIST, CIFAR-10 via torchvision

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
    if name.startswith("csv:"):
        data = load_csv(name[len("csv:"):], seed=seed, label=label)
    elif name not in DATASETS:
        raise ValueError(f"unknown dataset {shortened(name)!r}; choose one of {', '.join(DATASETS)}")
    else:
        data = DATASETS[name](seed=seed, data_dir=data_dir)
    return standardized(data) if standardize else data
