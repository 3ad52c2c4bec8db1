"""The bundled sets, which need no network: the course's tiny tables, a seeded
generator and scikit-learn's packaged copies of iris, breast cancer and digits.

Each set with a test split is made by a function of plain tensors, (X_train, y_train,
X_test, y_test), that its loader names in a Dataset: make_synthetic, and split_* for
what scikit-learn reads (SCIKIT_LEARN). An exported script copies those functions as
they are (lab.export.data), so it makes the same numbers.
"""
import torch

from lab.data.dataset import Dataset, stratified_split
from lab.i18n import N_

TRUE_W, TRUE_B = (1.9, -3.1), 0.6  # C3: the parameters the synthetic labels come from


def hours(seed=0, data_dir=None):
    """C1: hours studied → pass. Three examples, no test split."""
    X = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([0.0, 0.0, 1.0])
    return Dataset("hours", "binary", X, y, None, None, ["hours"], ["fail", "pass"],
                   description=N_("Hours studied → pass (lecture 6): x = [1, 2, 3], "
                                  "y = [0, 0, 1]."))


def hours_points(seed=0, data_dir=None):
    """C6: hours studied → points, the linear-regression revision. No test split."""
    X = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([2.0, 4.0, 6.0])
    return Dataset("hours-points", "regression", X, y, None, None, ["hours"],
                   description=N_("Hours studied → points (revision): x = [1, 2, 3], "
                                  "y = [2, 4, 6]; predict x = 4."))


def synthetic(seed=0, data_dir=None):
    """C3: make_synthetic's 2000 + 1000 points, and the true parameters behind them."""
    true = {"weight": [torch.tensor(TRUE_W).tolist()], "bias": [TRUE_B]}  # float32, as drawn
    return Dataset("synthetic", "binary", *make_synthetic(seed), ["x1", "x2"], ["0", "1"],
                   true_params=true, description=N_("Synthetic 2-D: labels from "
                                                    "σ(1.9·x1 − 3.1·x2 + 0.6) plus noise."))


def make_synthetic(seed, num_train=2000, num_test=1000):
    """(X_train, y_train, X_test, y_test): x ∈ [0, 1)², and
    y = [σ(x·TRUE_W + TRUE_B) + N(0, 0.01²) ≥ 0.5]."""
    true_w = torch.tensor(TRUE_W)
    g = torch.Generator().manual_seed(seed)

    def draw(n):
        X = torch.rand(n, 2, generator=g)                          # (n, 2)
        p = torch.sigmoid(X @ true_w + TRUE_B)                     # (n,)
        p = p + 0.01 * torch.randn(n, generator=g)                 # label noise
        return X, (p >= 0.5).float()

    return (*draw(num_train), *draw(num_test))


def iris(seed=0, data_dir=None):
    """C2: the first 100 iris rows, setosa (0) vs versicolor (1), 4 features, 80/20."""
    raw = packaged("iris")
    names = [n.replace(" (cm)", "") for n in raw.feature_names]
    return Dataset("iris", "binary", *split_iris(raw, seed), names, ["setosa", "versicolor"],
                   description=N_("Iris, first 100 rows: setosa vs versicolor, "
                                  "4 measurements (cm)."))


def split_iris(raw, seed):
    """The first 100 iris rows, setosa (0.0) vs versicolor (1.0), 80/20 per class."""
    X = torch.tensor(raw.data[:100], dtype=torch.float32)             # (100, 4)
    y = torch.tensor(raw.target[:100], dtype=torch.float32)           # (100,)
    train, test = stratified_split(y, 0.2, seed)
    return X[train], y[train], X[test], y[test]


def breast_cancer(seed=0, data_dir=None):
    """scikit-learn's breast-cancer set: 569 tumours, 30 features, 75/25."""
    raw = packaged("breast-cancer")
    return Dataset("breast-cancer", "binary", *split_breast_cancer(raw, seed),
                   list(raw.feature_names), list(raw.target_names),
                   description=N_("Breast cancer (Wisconsin): 30 features of a tumour, "
                                  "malignant vs benign."))


def split_breast_cancer(raw, seed):
    """Breast cancer (Wisconsin): malignant (0.0) vs benign (1.0), 75/25 per class."""
    X = torch.tensor(raw.data, dtype=torch.float32)                   # (569, 30)
    y = torch.tensor(raw.target, dtype=torch.float32)                 # (569,)
    train, test = stratified_split(y, 0.25, seed)
    return X[train], y[train], X[test], y[test]


def digits(seed=0, data_dir=None):
    """scikit-learn's 8×8 digits: 1797 images, 10 classes, 75/25."""
    return Dataset("digits", "multiclass", *split_digits(packaged("digits"), seed), [],
                   [str(d) for d in range(10)], image_shape=(1, 8, 8),
                   description=N_("Digits: 1797 handwritten digits 0–9 as 8×8 grey images "
                                  "(offline)."))


def split_digits(raw, seed):
    """8×8 digits, 10 classes, 75/25 per class; pixels 0–16 scaled to [0, 1]."""
    X = torch.tensor(raw.data, dtype=torch.float32) / 16  # (1797, 64), float: no uint8 /255
    y = torch.tensor(raw.target, dtype=torch.int64)                   # (1797,)
    train, test = stratified_split(y, 0.25, seed)
    return X[train], y[train], X[test], y[test]


def iris3(seed=0, data_dir=None):
    """All 150 iris rows: setosa, versicolor, virginica (0, 1, 2), 4 features, 80/20."""
    raw = packaged("iris3")
    names = [n.replace(" (cm)", "") for n in raw.feature_names]
    return Dataset("iris3", "multiclass", *split_iris3(raw, seed), names,
                   list(raw.target_names),
                   description=N_("Iris, all 150 rows: three species from 4 measurements "
                                  "(cm)."))


def split_iris3(raw, seed):
    """All 150 iris rows, three species (0, 1, 2), 80/20 per class."""
    X = torch.tensor(raw.data, dtype=torch.float32)                   # (150, 4)
    y = torch.tensor(raw.target, dtype=torch.int64)                   # (150,)
    train, test = stratified_split(y, 0.2, seed)
    return X[train], y[train], X[test], y[test]


SCIKIT_LEARN = {  # name → (scikit-learn's loader of the raw set, the function that splits it)
    "iris": ("load_iris", split_iris),
    "breast-cancer": ("load_breast_cancer", split_breast_cancer),
    "digits": ("load_digits", split_digits),
    "iris3": ("load_iris", split_iris3),
}


def packaged(name):
    """scikit-learn's packaged copy of the set `name`, read by its loader in SCIKIT_LEARN."""
    # Imported here, not at the top: `import sklearn.datasets` takes ~0.7 s
    # (python -X importtime), and most runs never touch it.
    from sklearn import datasets

    return getattr(datasets, SCIKIT_LEARN[name][0])()
