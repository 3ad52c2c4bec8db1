"""The bundled sets, which need no network: the course's tiny tables, a seeded
generator and scikit-learn's packaged copies of iris, breast cancer and digits.

scikit-learn is imported by the loaders that read its files, not at the top:
it takes ~0.7 s, and most runs never touch it.
"""
import torch

from lab.data.dataset import Dataset, stratified_split


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
