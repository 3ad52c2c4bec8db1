"""Step 1 of an exported script, "prepare the dataset": the lab's loading code, inlined.

Each function returns (imports, code): plain text that builds X_train,
y_train, X_test, y_test (None without a test split) exactly as lab.data
does, with nothing imported from the lab. Where the lab's own function can
be shown as it is (the seeded split, the CSV label order), its source is
copied with inspect, so the script cannot drift from the code that runs.
What a user named (a file, its columns, its classes) is written as a Python
literal by repr or pprint, never into code, a comment or a docstring.
"""
import pprint
from pathlib import Path
from string import Template
from textwrap import dedent

import torch

from lab.data import csvdata
from lab import data as datasets
from lab.data import shortened
from lab.source import source_of

SKLEARN = {  # name → (loader, rows, label dtype, test fraction, scaling, what it is)
    "iris": ("load_iris", "[:100]", "float32", 0.2, "",
             "iris, the first 100 rows: setosa (0) vs versicolor (1)"),
    "iris3": ("load_iris", "", "int64", 0.2, "", "iris, all 150 rows: three species"),
    "breast-cancer": ("load_breast_cancer", "", "float32", 0.25, "",
                      "breast cancer (Wisconsin): malignant (0) vs benign (1)"),
    "digits": ("load_digits", "", "int64", 0.25, " / 16  # pixels 0–16 → [0, 1]",
               "8×8 digits, 10 classes"),
}
VISION = {  # name → (torchvision class, the two classes kept or None)
    "mnist": ("MNIST", None),
    "fashion-mnist": ("FashionMNIST", None),
    "cifar10": ("CIFAR10", None),
    "mnist-0v1": ("MNIST", (0, 1)),
    "fashion-mnist-tshirt-v-trouser": ("FashionMNIST", (0, 1)),
}
TINY = ("hours", "hours-points")


def fill(text, **names):
    """`text` dedented, with each $name replaced."""
    return Template(dedent(text).strip("\n")).substitute(names)


def literal(name, value, width=88):
    """`name = value`, the value written by pprint: a Python literal whatever its strings
    hold (quotes, line breaks, control characters are escaped), in lines of ~`width`."""
    prefix = f"{name} = "
    text = pprint.pformat(value, width=width - len(prefix), compact=True)
    return prefix + text.replace("\n", "\n" + " " * len(prefix))  # line breaks between items


def prepare(name, label=None):
    """(imports, code) loading the named dataset; csv:PATH reads that file."""
    if name in TINY:
        return tiny(name)
    if name == "synthetic":
        return synthetic()
    if name in SKLEARN:
        return bundled(name)
    if name in VISION:
        return vision(name)
    if name.startswith("csv:"):
        return from_csv(name[len("csv:"):], label)
    raise ValueError(f"cannot export the dataset {shortened(name)!r}")


def embedded(data):
    """An uploaded file's rows, written out as the lab split them: the upload stays in the
    browser session, so the script carries its data (already standardized if the run was)."""
    dtype = "torch.int64" if data.y_train.dtype == torch.int64 else "torch.float32"
    return [], fill("""
        # The rows as the lab split them (80/20 per class with the run's seed), features
        # as the run used them: column k is FEATURE_NAMES[k], class c is CLASS_NAMES[c].
        $feature_names
        $class_names
        X_train = torch.tensor($X_train)
        y_train = torch.tensor($y_train, dtype=$dtype)
        X_test = torch.tensor($X_test)
        y_test = torch.tensor($y_test, dtype=$dtype)
        """, feature_names=literal("FEATURE_NAMES", list(data.feature_names)),
        class_names=literal("CLASS_NAMES", list(data.class_names)),
        X_train=data.X_train.tolist(), y_train=data.y_train.tolist(),
        X_test=data.X_test.tolist(), y_test=data.y_test.tolist(), dtype=dtype)


def has_test_split(name):
    """Only the course's tiny tables have no test split."""
    return name not in TINY


def tiny(name):
    """The table itself, written out."""
    data = datasets.DATASETS[name]()
    return [], fill("""
        # $description
        X_train = torch.tensor($X)  # (n, 1)
        y_train = torch.tensor($y)
        X_test = y_test = None  # no test split
        """, description=data.description, X=data.X_train.tolist(), y=data.y_train.tolist())


def synthetic():
    """The generator of lab.data.synthetic, with the same seeded draws in the same order."""
    return [], fill('''
        def make_synthetic(seed, num_train=2000, num_test=1000):
            """x ∈ [0, 1)², y = [σ(1.9·x1 − 3.1·x2 + 0.6) + N(0, 0.01²) ≥ 0.5]."""
            true_w, true_b = torch.tensor([1.9, -3.1]), 0.6
            g = torch.Generator().manual_seed(seed)

            def draw(n):
                X = torch.rand(n, 2, generator=g)                          # (n, 2)
                p = torch.sigmoid(X @ true_w + true_b)                     # (n,)
                p = p + 0.01 * torch.randn(n, generator=g)                 # label noise
                return X, (p >= 0.5).float()

            return (*draw(num_train), *draw(num_test))


        X_train, y_train, X_test, y_test = make_synthetic(SEED)
        ''')


def bundled(name):
    """scikit-learn's packaged copy, split per class with the seed."""
    loader, rows, dtype, fraction, scaling, what = SKLEARN[name]
    code = fill("""
        $split


        raw = $loader()  # $what
        X = torch.tensor(raw.data$rows, dtype=torch.float32)$scaling
        y = torch.tensor(raw.target$rows, dtype=torch.$dtype)
        train, test = stratified_split(y, $fraction, SEED)
        X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
        """, split=source_of(datasets.stratified_split).strip(), loader=loader,
                what=what, rows=rows, scaling=scaling, dtype=dtype, fraction=fraction)
    return [f"from sklearn.datasets import {loader}"], code


def vision(name):
    """torchvision's dataset class, downloading into the lab's data directory if needed."""
    cls, pair = VISION[name]
    code = fill('''
        # torchvision downloads the files once (the lab's data directory, shared with it)
        DATA_DIR = os.environ.get("LAB_DATA_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
            "logistic-regression-lab")


        def as_tensors(split):
            """(X, y): images as uint8 rows (n, C·H·W), channels first; labels int64 (n,)."""
            X = torch.as_tensor(split.data)            # (n, H, W), or (n, H, W, C) for CIFAR
            if X.dim() == 4:
                X = X.permute(0, 3, 1, 2)              # HWC → CHW
            X = X.reshape(len(X), -1).contiguous()
            return X, torch.as_tensor(split.targets, dtype=torch.int64)


        X_train, y_train = as_tensors(datasets.$cls(DATA_DIR, train=True, download=True))
        X_test, y_test = as_tensors(datasets.$cls(DATA_DIR, train=False, download=True))
        ''', cls=cls)
    if pair:
        code += "\n\n\n" + fill('''
            def two_classes(X, y, first, second):
                """Only the rows of classes `first` (now 0.0) and `second` (now 1.0)."""
                keep = (y == first) | (y == second)
                return X[keep], (y[keep] == second).float()


            X_train, y_train = two_classes(X_train, y_train, $first, $second)
            X_test, y_test = two_classes(X_test, y_test, $first, $second)
            ''', first=pair[0], second=pair[1])
    return ["import os", "from torchvision import datasets"], code


def from_csv(path, label):
    """The CSV file read as lab.data.csvdata reads a valid one (its checks are left to the lab)."""
    code = fill('''
        CSV_PATH = $path
        LABEL = $label  # None: the last column

        $split


        $delimiter


        $class_key


        $classes_of


        with open(CSV_PATH, encoding="utf-8-sig", newline="") as f:
            delimiter = delimiter_of(f.readline())
            f.seek(0)
            table = [cells for cells in csv.reader(f, delimiter=delimiter)
                     if any(c.strip() for c in cells)]     # blank rows skipped
        header, rows = [name.strip() for name in table[0]], table[1:]
        j = header.index(LABEL) if LABEL else len(header) - 1
        X = torch.tensor([[float(c) for k, c in enumerate(cells) if k != j] for cells in rows],
                         dtype=torch.float32)
        class_names, classes = classes_of([cells[j].strip() for cells in rows])
        binary = len(class_names) == 2                     # 0.0/1.0 labels, else class numbers
        y = torch.tensor(classes, dtype=torch.float32 if binary else torch.int64)
        train, test = stratified_split(y, $fraction, SEED)
        X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
        ''', path=repr(str(Path(path).expanduser().resolve())), label=repr(label),
                split=source_of(datasets.stratified_split).strip(),
                delimiter=source_of(csvdata.delimiter_of).strip(),
                class_key=source_of(csvdata.class_key).strip(),
                classes_of=source_of(csvdata.classes_of).strip(),
                fraction=csvdata.TEST_FRACTION)
    return ["import csv"], code


def features_and_sizes(config, data_name):
    """features(X) as the lab scales rows, the standardization if asked, and the sizes."""
    code = fill('''
        def features(X):
            """Rows as float32: uint8 pixels are scaled to [0, 1] when they are used."""
            return X.float().div_(255) if X.dtype == torch.uint8 else X
        ''')
    if config.standardize:
        code += "\n\n\n" + fill("""
            # z-score each feature with the training split's mean and std
            X_train = features(X_train)
            mean, std = X_train.mean(dim=0), X_train.std(dim=0)
            std = torch.where(std > 0, std, torch.ones_like(std))  # constant columns stay
            X_train = (X_train - mean) / std""")
        if has_test_split(data_name):
            code += "\nX_test = (features(X_test) - mean) / std"
    code += "\n\n\nNUM_INPUTS = X_train.shape[1]"
    if config.model == "softmax":  # class numbers: a two-class set comes as 0.0/1.0
        code += "\ny_train = y_train.long()"
        if has_test_split(data_name):
            code += "\ny_test = y_test.long()"
        code += "\nNUM_CLASSES = int(y_train.max()) + 1"
    return code
