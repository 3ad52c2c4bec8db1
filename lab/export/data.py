"""Step 1 of an exported script, "prepare the dataset": the lab's loading code, inlined.

Each function returns (imports, code): plain text that builds X_train,
y_train, X_test, y_test (None without a test split) exactly as lab.data
does, with nothing imported from the lab. The lab's own functions are shown
as they are, their source copied with inspect (the synthetic generator, the
split of each scikit-learn set, the seeded split, the reading of torchvision's
arrays, the CSV label order, the scaling of rows), so the script cannot drift
from the code that runs; which function a set needs comes from lab.data's own
tables, and a tiny table's numbers and description from its Dataset.
What a user named (a file, its columns, its classes) is written as a Python
literal by repr or pprint, never into code, a comment or a docstring.
"""
import functools
import pprint
from pathlib import Path
from string import Template
from textwrap import dedent

import torch

from lab.data import DATASETS, bundled, csvdata, imagefiles
from lab.data.dataset import features, stratified_split, z_scored
from lab.data.vision import TWO_CLASS, VISION_DATASETS, keep_two_classes
from lab.models import FAMILIES
from lab.source import source_of
from lab.text import shortened


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
    if name.startswith("csv:"):
        return from_csv(name[len("csv:"):], label)
    if name in VISION_DATASETS:
        return vision(name)
    if name in bundled.SCIKIT_LEARN:
        return scikit_learn(name)
    if name == "synthetic":
        return synthetic()
    if name in DATASETS and not has_test_split(name):
        return table(DATASETS[name]())
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


@functools.cache
def has_test_split(name):
    """Whether the named set comes with a test split. A bundled set is loaded to see
    (offline, in milliseconds); an image set has its official one, a CSV is split 80/20."""
    if name in DATASETS and name not in VISION_DATASETS:
        return DATASETS[name]().X_test is not None
    return True


def table(data):
    """One of the course's tiny tables, written out: its numbers, no test split."""
    return [], fill("""
        # $description
        X_train = torch.tensor($X)  # (n, 1)
        y_train = torch.tensor($y)
        X_test = y_test = None  # no test split
        """, description=data.description, X=data.X_train.tolist(), y=data.y_train.tolist())


def synthetic():
    """lab.data.bundled's generator itself: the same seeded draws in the same order."""
    make = bundled.make_synthetic
    return [], fill("""
        TRUE_W, TRUE_B = $true_w, $true_b  # the parameters the labels come from


        $make


        X_train, y_train, X_test, y_test = $name(SEED)
        """, true_w=repr(bundled.TRUE_W), true_b=repr(bundled.TRUE_B),
                    make=source_of(make).strip(), name=make.__name__)


def scikit_learn(name):
    """scikit-learn's packaged copy, split per class with the seed by the lab's own function."""
    loader, split = bundled.SCIKIT_LEARN[name]
    code = fill("""
        $stratified_split


        $split


        X_train, y_train, X_test, y_test = $name($loader(), SEED)
        """, stratified_split=source_of(stratified_split).strip(),
                split=source_of(split).strip(), name=split.__name__, loader=loader)
    return [f"from sklearn.datasets import {loader}"], code


def vision(name):
    """torchvision's dataset class, downloading into the lab's data directory if needed."""
    whole, pair = TWO_CLASS.get(name, (name, None))
    code = fill("""
        ENV_VAR = $env_var


        $resolve_data_dir


        DATA_DIR = resolve_data_dir()  # shared with the lab: torchvision downloads once


        $as_tensors


        X_train, y_train = as_tensors(datasets.$cls(DATA_DIR, train=True, download=True))
        X_test, y_test = as_tensors(datasets.$cls(DATA_DIR, train=False, download=True))
        """, env_var=repr(imagefiles.ENV_VAR),
                resolve_data_dir=source_of(imagefiles.resolve_data_dir).strip(),
                as_tensors=source_of(imagefiles.as_tensors).strip(),
                cls=imagefiles.SOURCES[whole].cls_name)
    if pair:
        code += "\n\n\n" + fill("""
            $keep


            X_train, y_train = $name(X_train, y_train, $first, $second)
            X_test, y_test = $name(X_test, y_test, $first, $second)
            """, keep=source_of(keep_two_classes).strip(), name=keep_two_classes.__name__,
                                 first=pair[0], second=pair[1])
    return ["import os", "from pathlib import Path", "from torchvision import datasets"], code


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
                split=source_of(stratified_split).strip(),
                delimiter=source_of(csvdata.delimiter_of).strip(),
                class_key=source_of(csvdata.class_key).strip(),
                classes_of=source_of(csvdata.classes_of).strip(),
                fraction=csvdata.TEST_FRACTION)
    return ["import csv"], code


def features_and_sizes(config, data_name):
    """features(X) as the lab scales rows, the lab's standardization if asked, and the sizes."""
    code = source_of(features).strip()
    if config.standardize:
        code += "\n\n\n" + source_of(z_scored).strip()
    code += "\n\n\n"
    if config.standardize:
        code += "X_train, X_test = z_scored(X_train, X_test)\n"
    code += "NUM_INPUTS = X_train.shape[1]"
    if FAMILIES[config.model].multiclass:  # class numbers: a two-class set comes as 0.0/1.0
        code += "\ny_train = y_train.long()"
        if has_test_split(data_name):
            code += "\ny_test = y_test.long()"
        code += "\nNUM_CLASSES = int(y_train.max()) + 1"
    return code
