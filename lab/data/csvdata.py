"""A user's CSV file as a Dataset: numeric feature columns and one label column.

Nothing in the file is ever evaluated: the csv module cuts it into strings
(lab.data.csvtable) and float() reads the numbers. Each problem raises CsvError with a
one-line message for the person who made the file; rows are counted as a
spreadsheet counts them, the header being row 1. Names (the file's, the columns',
the labels') that hide a line break or a control character are refused, not
cleaned: the message says which one to retype, and nothing else changes.

The text is read three times, keeping only what each pass needs: the table is checked
(csvtable.check_table), the labels give each row a class (the split is drawn from
them), then the features go straight into the train or test array of their row. A
million rows take no more memory than a few times their float32 numbers
(scripts/bench_csv.py): no row is ever a Python object, and no array is copied to be
split. Problems are still told in the file's order of checks: the table, then every
feature, then every label.

Numbers are read in chunks of rows, a column at a time: `quick_features` and
`careful_features` are twins that accept the same cells and give the same numbers,
the quick one for speed, the careful one, cell by cell, to name the first bad cell of
a chunk the quick one refused.

Messages are CsvErrors made of a msgid and its facts (lab.data.csvtable.Said): they are
said in the language of the moment when shown, so a cached refusal is never stuck in the
language of whoever read the file first.
"""
import math
from itertools import islice
from pathlib import Path

import numpy as np
import torch

from lab.data.csvtable import (MAX_BYTES, CsvError, Said, check_table, data_rows,  # noqa: F401
                               decode, delimiter_of, hidden_in, number, read_table, too_big)
from lab.data.dataset import Dataset, stratified_split
from lab.i18n import N_, _
from lab.text import shortened

# MAX_BYTES, decode, read_table and delimiter_of are here for the page, the tests and
# the exported script, which know them as lab.data.csvdata's.

MAX_CLASSES = 20              # more distinct labels looks like a measurement, not a class
COUNTED_LABELS = 1000         # distinct labels told apart at most: an ID column stays small
MIN_ROWS = 10
MIN_PER_CLASS = 2             # one to train on, one to test
TEST_FRACTION = 0.2
FLOAT32_MAX = torch.finfo(torch.float32).max  # 3.4e38: a larger number becomes inf
CHUNK_ROWS = 256              # rows converted at once; see feature_chunks


def load_csv(path, seed=0, label=None):
    """The CSV file at `path` as a Dataset; `label` names the label column (default: the last)."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
        if size <= MAX_BYTES:
            raw = path.read_bytes()
    except OSError as exc:
        raise CsvError(N_("Cannot read the CSV file {path}: {error}."),
                       path=repr(shortened(str(path))), error=exc.strerror or exc) from exc
    if size > MAX_BYTES:
        raise too_big(size)
    return csv_dataset(raw, str(path), seed, label)


def csv_dataset(raw, name="data.csv", seed=0, label=None):
    """A Dataset from the bytes of a CSV file (an upload, say), split 80/20 per class."""
    if what := hidden_in(name):
        raise CsvError(N_("The file's name contains {what}. Rename the file."), what=what)
    text = decode(raw)
    header, num_rows = check_table(text)
    j = label_column(header, label)
    try:
        class_names, classes = read_classes(text, header, j, num_rows)        # (n,)
    except CsvError:
        for _chunk in feature_chunks(text, header, j):  # a bad feature is told first
            pass
        raise
    is_test = in_test_set(classes, seed)                                        # (n,)
    X_train, X_test = read_features(text, header, j, is_test)
    dtype = np.float32 if len(class_names) == 2 else np.int64  # 0.0/1.0, or class numbers
    y_train = torch.from_numpy(classes[~is_test].astype(dtype))
    y_test = torch.from_numpy(classes[is_test].astype(dtype))
    feature_names = header[:j] + header[j + 1:]
    return Dataset(f"csv:{name}", "binary" if len(class_names) == 2 else "multiclass",
                   X_train, y_train, X_test, y_test, feature_names, class_names,
                   description=describe(name, num_rows, feature_names, header[j],
                                        class_names))


def in_test_set(classes, seed):
    """(n,) bool: True for the rows stratified_split puts in the test set."""
    _train, test = stratified_split(torch.from_numpy(classes), TEST_FRACTION, seed)
    is_test = np.zeros(len(classes), dtype=bool)
    is_test[test.numpy()] = True
    return is_test


def describe(name, num_rows, feature_names, label, class_names):
    """One line for the page: the file, its size, its label column and classes (in the
    current language: the page says it again when shown, see ui.owndata)."""
    return _("{file}: {rows} rows, {features} features, label {label} ({classes}).").format(
        file=shortened(Path(name).name), rows=num_rows, features=len(feature_names),
        label=repr(shortened(label)), classes=shortened(", ".join(class_names), 120))


def read_classes(text, header, j, num_rows):
    """(class_names, classes): the classes of label column j, checked, and each row's class
    number (n,) int16."""
    column = LabelColumn(header, j)
    found = np.fromiter((column.number(row, cells) for row, cells in data_rows(text)),
                        dtype=np.int16, count=num_rows)                        # (n,)
    class_names, numbers = classes_of(column.labels)
    counts = [0] * len(class_names)
    for count, c in zip(column.counts, numbers):
        counts[c] += count
    check_classes(header[j], counts, class_names)
    return class_names, np.array(numbers, dtype=np.int16)[found]


class LabelColumn:
    """The label column, read a row at a time: each class's label as first written
    (stripped) and its number of rows. A label is looked at the first time it is written
    so: the first bad one raises, naming its row."""

    def __init__(self, header, j):
        self.header, self.j = header, j
        self.labels, self.counts = [], []
        self.keys = {}      # class_key(label) → its class number, by first appearance
        self.written = {}   # a label cell as written → its class number

    def number(self, row, cells):
        """The class number of the row's label, counted."""
        c = self.written.get(cells[self.j])
        if c is None:
            c = self.new_label(row, cells)
        self.counts[c] += 1
        return c

    def new_label(self, row, cells):
        """The class number of a label not seen written so. Past COUNTED_LABELS classes,
        one number stands for all the rest, and labels as written are no longer kept:
        a column of IDs costs no more than a column of classes."""
        label = label_of(self.header, cells, self.j, row)
        key = class_key(label)
        if key not in self.keys and len(self.keys) <= COUNTED_LABELS:
            self.keys[key] = len(self.labels)
            self.labels.append(label)
            self.counts.append(0)
        c = self.keys.get(key, COUNTED_LABELS)
        if len(self.written) < COUNTED_LABELS:
            self.written[cells[self.j]] = c
        return c


def read_features(text, header, j, test):
    """(X_train, X_test): the features of the rows `test` (n,) marks False and True, as
    float32 tensors (n_train, d) and (n_test, d), each in the file's order."""
    num_features = len(header) - 1
    X_test = np.empty((int(test.sum()), num_features), dtype=np.float32)
    X_train = np.empty((len(test) - len(X_test), num_features), dtype=np.float32)
    n_train = n_test = 0                                  # rows of each written so far
    for start, values in feature_chunks(text, header, j):                       # (m, d)
        picked = test[start:start + len(values)]                                 # (m,)
        to_train, to_test = values[~picked], values[picked]
        X_train[n_train:n_train + len(to_train)] = to_train
        X_test[n_test:n_test + len(to_test)] = to_test
        n_train, n_test = n_train + len(to_train), n_test + len(to_test)
    return torch.from_numpy(X_train), torch.from_numpy(X_test)


def feature_chunks(text, header, j):
    """(start, values) for each chunk of CHUNK_ROWS rows: its first row's index and its
    features (m, d) float64. The first bad cell raises, naming its row.

    A chunk of CHUNK_ROWS rows makes two new objects a row; under the 700 that set off
    Python's garbage collector, they are gone before it looks. Chunks of 2048 rows
    were scanned again and again: reading took twice as long."""
    rows = data_rows(text)
    start = 0
    while chunk := list(islice(rows, CHUNK_ROWS)):
        values = quick_features(chunk, header, j)
        if values is None:
            values = careful_features(chunk, header, j)  # raises, naming the bad cell
        yield start, values
        start += len(chunk)


def label_column(header, label=None):
    """The index of the label column: the one named `label`, else the last."""
    if label is None:
        return len(header) - 1
    if label not in header:
        raise CsvError(N_("There is no column named {label}. The columns are: {columns}."),
                       label=repr(shortened(label)), columns=shortened(", ".join(header), 200))
    return header.index(label)


def quick_features(chunk, header, j):
    """(m, d) float64: float() down each feature column of the chunk; None if a cell is
    not a number float32 holds (careful_features then says which)."""
    try:
        X = np.stack([np.fromiter(map(float, [cells[k] for _row, cells in chunk]),
                                  dtype=np.float64, count=len(chunk))
                      for k in range(len(header)) if k != j], axis=1)           # (m, d)
    except ValueError:
        return None
    return X if (np.abs(X) <= FLOAT32_MAX).all() else None  # nan and inf are not <=


def careful_features(chunk, header, j):
    """(m, d) float64: the chunk row by row, cell by cell; the first bad cell raises."""
    return np.array([features_of(header, cells, j, row) for row, cells in chunk],
                    dtype=np.float64)


def features_of(header, cells, j, row):
    """The numbers of one row, every column but the label's."""
    return [feature_value(header[k], cell, row) for k, cell in enumerate(cells) if k != j]


def feature_value(name, cell, row):
    """One feature cell as a number float32 holds; else a CsvError that names the cell."""
    value = number(cell)
    if value is not None and abs(value) <= FLOAT32_MAX:
        return value
    column = repr(shortened(name))
    if not cell.strip():
        raise CsvError(N_("Column {column} has no value on row {row}. Every feature needs a "
                          "number: fill it in or delete the row."), column=column, row=row)
    typed = repr(shortened(cell.strip(), 40))
    if value is None:
        raise CsvError(N_("Column {column} has {value} on row {row}, which is not a number. "
                          "Feature columns must hold numbers only: recode it as numbers or "
                          "delete the column."), column=column, value=typed, row=row)
    raise CsvError(N_("Column {column} has {value} on row {row}, beyond what float32, the "
                      "lab's number type, can hold (±{most}). Rescale the column (divide it "
                      "by a power of ten) or delete it."),
                   column=column, value=typed, row=row, most=f"{FLOAT32_MAX:.1e}")


def label_of(header, cells, j, row):
    label = cells[j].strip()
    if not label:
        raise CsvError(N_("The label column {column} has no value on row {row}. Every row "
                          "needs its label: fill it in or delete the row."),
                       column=repr(shortened(header[j])), row=row)
    if what := hidden_in(label):
        raise CsvError(N_("The label on row {row} contains {what}. A label is one line of "
                          "plain text: retype it."), row=row, what=what)
    return label


def class_key(label):
    """What makes labels one class: the value of a number (0, 0.0 and 0.00 are one
    class), else the text as written. Numbers sort before text, each by value."""
    try:
        value = float(label)
    except ValueError:
        return (1, label)
    return (0, value) if math.isfinite(value) else (1, label)


def classes_of(labels):
    """(class_names, classes): the classes in order, each named as it first appears;
    and each label's class number."""
    first = {}
    for label in labels:
        first.setdefault(class_key(label), label)
    keys = sorted(first)
    number = {key: c for c, key in enumerate(keys)}
    return [first[key] for key in keys], [number[class_key(label)] for label in labels]


def check_classes(name, counts, class_names):
    """Enough rows, between 2 and MAX_CLASSES classes, and every class at least twice;
    `counts` holds the number of rows of each class."""
    name = repr(shortened(name))
    if sum(counts) < MIN_ROWS:
        raise CsvError(N_("The file has {count} data rows; the lab needs at least {least} to "
                          "split them into a training and a test set."),
                       count=sum(counts), least=MIN_ROWS)
    if len(class_names) == 1:
        raise CsvError(N_("The label column {name} has one value only ({value}): a classifier "
                          "needs examples of at least two classes."),
                       name=name, value=repr(shortened(class_names[0])))
    if len(class_names) > MAX_CLASSES:
        many = (len(class_names) if len(class_names) <= COUNTED_LABELS
                else Said(N_("more than {count:,}"), count=COUNTED_LABELS))
        raise CsvError(N_("The label column {name} has {many} different values; the lab takes "
                          "at most {most} classes. Is it a measurement or an ID rather than a "
                          "class? Choose another label column."),
                       name=name, many=many, most=MAX_CLASSES)
    for class_name, count in zip(class_names, counts):
        if count < MIN_PER_CLASS:
            raise CsvError(N_("Class {value} of {name} has only {count} row; every class needs "
                              "at least {least} (one to train on, one to test)."),
                           value=repr(shortened(class_name)), name=name, count=count,
                           least=MIN_PER_CLASS)
