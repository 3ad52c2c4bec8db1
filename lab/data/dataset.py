"""A dataset: train/test tensors and their names, and what is done to one (split, scale, relabel).

The bottom of lab.data: every loader (bundled, vision, csvdata) returns a Dataset.
`features` and `z_scored` work on bare tensors, so an exported script copies them
as they are (lab.export.data).
"""
from dataclasses import dataclass, field, replace

import torch


@dataclass(frozen=True)
class Dataset:
    """Train/test tensors and what a page needs to label them."""

    name: str
    task: str                       # binary, multiclass or regression
    X_train: torch.Tensor           # (n, d) float32, or uint8 pixels for images
    y_train: torch.Tensor           # (n,) float32 for binary/regression, int64 for multiclass
    X_test: torch.Tensor | None     # None: the set has no test split
    y_test: torch.Tensor | None
    feature_names: list = field(default_factory=list)
    class_names: list = field(default_factory=list)
    true_params: dict | None = None   # {"weight": [[...]], "bias": [...]} where known
    image_shape: tuple | None = None  # (C, H, W) when each row is an image
    description: str = ""
    source: str = ""                  # what it was read from, e.g. an upload's sha256

    @property
    def num_features(self):
        return self.X_train.shape[1]

    @property
    def num_classes(self):
        return len(self.class_names)

    def features(self, X):
        """Rows of this set as the model takes them: features(X) below."""
        return features(X)


def features(X):
    """Rows as float32: uint8 pixels are scaled to [0, 1] when they are used."""
    return X.float().div_(255) if X.dtype == torch.uint8 else X


def stratified_split(y, test_fraction, seed):
    """Index tensors (train, test), each in row order: every class split in the same
    proportion. y (n,) holds class numbers (0.0/1.0, or 0, 1, 2, …)."""
    g = torch.Generator().manual_seed(seed)
    test = torch.zeros(len(y), dtype=torch.bool)       # (n,) which rows are test's
    for label in range(int(y.max()) + 1):              # the classes in order
        rows = y == label                              # (n,) this class's rows
        count = int(rows.count_nonzero())
        k = round(count * test_fraction)
        picked = torch.zeros(count, dtype=torch.bool)  # (count,) k of them, at random
        picked[torch.randperm(count, generator=g, dtype=torch.int32)[:k]] = True
        test.masked_scatter_(rows, picked)  # test[rows] = picked, with no index per row
    return torch.nonzero(~test).reshape(-1), torch.nonzero(test).reshape(-1)


def standardized(data):
    """The same data with each feature z-scored by the training split's mean and std."""
    X_train, X_test = z_scored(data.X_train, data.X_test)
    return replace(data, X_train=X_train, X_test=X_test, true_params=None)


def z_scored(X_train, X_test=None):
    """(X_train, X_test) as float32, each feature z-scored by the training split's mean and
    std; X_test may be None (no test split)."""
    X_train = features(X_train).double()  # float32 sums overflow past ~1e19
    mean, std = X_train.mean(dim=0), X_train.std(dim=0)                # (d,)
    std = torch.where(std > 0, std, torch.ones_like(std))  # constant columns stay as they are
    if X_test is not None:
        X_test = ((features(X_test).double() - mean) / std).float()
    return ((X_train - mean) / std).float(), X_test


def as_classes(data):
    """A two-class set with class numbers (int64) for softmax regression, k = 2; others as they are."""
    if data.task != "binary":
        return data
    numbers = lambda y: None if y is None else y.long()  # noqa: E731
    return replace(data, task="multiclass", y_train=numbers(data.y_train),
                   y_test=numbers(data.y_test), true_params=None)

