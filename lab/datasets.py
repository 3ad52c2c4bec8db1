"""Datasets behind one registry: name → loader(seed, data_dir) → Dataset.

Bundled sets need no network: the course's tiny tables, a seeded generator and
scikit-learn's packaged copies of iris, breast cancer and digits.
"""
from dataclasses import dataclass, field, replace

import torch

from lab.vision import VISION_DATASETS  # MNIST, Fashion-MNIST, CIFAR-10 via torchvision


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
        """Rows as float32: uint8 pixels are scaled to [0, 1] when they are used."""
        return X.float().div_(255) if X.dtype == torch.uint8 else X


def hours(seed=0, data_dir=None):
    """C1: hours studied → pass. Three examples, no test split."""
    X = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([0.0, 0.0, 1.0])
    return Dataset("hours", "binary", X, y, None, None, ["hours"], ["fail", "pass"],
                   description="Hours studied → pass (lecture 6): x = [1, 2, 3], y = [0, 0, 1].")


def hours_points(seed=0, data_dir=None):
    """C6: hours studied → points, the linear-regression revision. No test split."""
    X = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([2.0, 4.0, 6.0])
    return Dataset("hours-points", "regression", X, y, None, None, ["hours"],
                   description="Hours studied → points (revision): x = [1, 2, 3], "
                               "y = [2, 4, 6]; predict x = 4.")


def iris(seed=0, data_dir=None):
    """C2: the first 100 iris rows, setosa (0) vs versicolor (1), 4 features, 80/20."""
    from sklearn.datasets import load_iris

    raw = load_iris()
    X = torch.tensor(raw.data[:100], dtype=torch.float32)
    y = torch.tensor(raw.target[:100], dtype=torch.float32)
    train, test = stratified_split(y, 0.2, seed)
    names = [n.replace(" (cm)", "") for n in raw.feature_names]
    return Dataset("iris", "binary", X[train], y[train], X[test], y[test], names,
                   ["setosa", "versicolor"],
                   description="Iris, first 100 rows: setosa vs versicolor, 4 measurements (cm).")


def synthetic(seed=0, data_dir=None, num_train=2000, num_test=1000):
    """C3: x ∈ [0, 1)², y = [σ(1.9·x1 − 3.1·x2 + 0.6) + N(0, 0.01²) ≥ 0.5]."""
    true_w, true_b = torch.tensor([1.9, -3.1]), 0.6
    g = torch.Generator().manual_seed(seed)

    def draw(n):
        X = torch.rand(n, 2, generator=g)                          # (n, 2)
        p = torch.sigmoid(X @ true_w + true_b)                     # (n,)
        p = p + 0.01 * torch.randn(n, generator=g)                 # label noise
        return X, (p >= 0.5).float()

    X_train, y_train = draw(num_train)
    X_test, y_test = draw(num_test)
    true = {"weight": [true_w.tolist()], "bias": [true_b]}
    return Dataset("synthetic", "binary", X_train, y_train, X_test, y_test, ["x1", "x2"],
                   ["0", "1"], true_params=true,
                   description="Synthetic 2-D: labels from σ(1.9·x1 − 3.1·x2 + 0.6) plus noise.")


def breast_cancer(seed=0, data_dir=None):
    """scikit-learn's breast-cancer set: 569 tumours, 30 features, 75/25."""
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer()
    X = torch.tensor(raw.data, dtype=torch.float32)
    y = torch.tensor(raw.target, dtype=torch.float32)  # 1 = benign
    train, test = stratified_split(y, 0.25, seed)
    return Dataset("breast-cancer", "binary", X[train], y[train], X[test], y[test],
                   list(raw.feature_names), list(raw.target_names),
                   description="Breast cancer (Wisconsin): 30 features of a tumour, malignant vs benign.")


def digits(seed=0, data_dir=None):
    """scikit-learn's 8×8 digits: 1797 images, 10 classes, 75/25; pixels 0–16 scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    raw = load_digits()
    X = torch.tensor(raw.data, dtype=torch.float32) / 16  # (1797, 64), float: no uint8 /255
    y = torch.tensor(raw.target, dtype=torch.int64)
    train, test = stratified_split(y, 0.25, seed)
    return Dataset("digits", "multiclass", X[train], y[train], X[test], y[test], [],
                   [str(d) for d in range(10)], image_shape=(1, 8, 8),
                   description="Digits: 1797 handwritten digits 0–9 as 8×8 grey images (offline).")


def iris3(seed=0, data_dir=None):
    """All 150 iris rows: setosa, versicolor, virginica (0, 1, 2), 4 features, 80/20."""
    from sklearn.datasets import load_iris

    raw = load_iris()
    X = torch.tensor(raw.data, dtype=torch.float32)
    y = torch.tensor(raw.target, dtype=torch.int64)
    train, test = stratified_split(y, 0.2, seed)
    names = [n.replace(" (cm)", "") for n in raw.feature_names]
    return Dataset("iris3", "multiclass", X[train], y[train], X[test], y[test], names,
                   list(raw.target_names),
                   description="Iris, all 150 rows: three species from 4 measurements (cm).")


def stratified_split(y, test_fraction, seed):
    """Index tensors (train, test): each class split in the same proportion."""
    g = torch.Generator().manual_seed(seed)
    train, test = [], []
    for label in torch.unique(y):
        idx = torch.nonzero(y == label).reshape(-1)
        idx = idx[torch.randperm(len(idx), generator=g)]
        k = round(len(idx) * test_fraction)
        test.append(idx[:k])
        train.append(idx[k:])
    return torch.sort(torch.cat(train)).values, torch.sort(torch.cat(test)).values


def standardized(data):
    """The same data with each feature z-scored by the training split's mean and std."""
    X_train = data.features(data.X_train).double()  # float32 sums overflow past ~1e19
    mean = X_train.mean(dim=0)
    std = X_train.std(dim=0)
    std = torch.where(std > 0, std, torch.ones_like(std))  # constant columns stay as they are
    scale = lambda X: (None if X is None  # noqa: E731
                       else ((data.features(X).double() - mean) / std).float())
    return replace(data, X_train=scale(data.X_train), X_test=scale(data.X_test),
                   true_params=None)


def as_classes(data):
    """A two-class set with class numbers (int64) for softmax regression, k = 2; others as they are."""
    if data.task != "binary":
        return data
    numbers = lambda y: None if y is None else y.long()  # noqa: E731
    return replace(data, task="multiclass", y_train=numbers(data.y_train),
                   y_test=numbers(data.y_test), true_params=None)


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


def shortened(text, limit=60):
    """A user's text cut for a message: a 20 000-character name is not echoed whole."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def load(name, seed=0, standardize=False, data_dir=None, label=None):
    """The named dataset, split with `seed`, optionally standardized.

    "csv:PATH" reads a CSV file (lab.csvdata); `label` names its label column.
    """
    if name.startswith("csv:"):
        from lab.csvdata import load_csv  # here: lab.csvdata imports this module
        data = load_csv(name[len("csv:"):], seed=seed, label=label)
    elif name not in DATASETS:
        raise ValueError(f"unknown dataset {shortened(name)!r}; choose one of {', '.join(DATASETS)}")
    else:
        data = DATASETS[name](seed=seed, data_dir=data_dir)
    return standardized(data) if standardize else data
