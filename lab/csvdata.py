"""A user's CSV file as a Dataset: numeric feature columns and one label column.

Nothing in the file is ever evaluated: the csv module cuts it into strings
and float() reads the numbers. Each problem raises CsvError with a message
for the person who made the file; rows are counted as a spreadsheet counts
them, the header being row 1.
"""
import csv
import io
import math
from pathlib import Path

import torch

from lab.datasets import Dataset, stratified_split

MAX_BYTES = 5 * 1024 * 1024   # 5 MB: plenty for a table, small for a shared server
MAX_COLUMNS = 100
MAX_CLASSES = 20              # more distinct labels looks like a measurement, not a class
MIN_ROWS = 10
MIN_PER_CLASS = 2             # one to train on, one to test
TEST_FRACTION = 0.2


class CsvError(ValueError):
    """The file cannot be used; the message says why and what to change."""


def load_csv(path, seed=0, label=None):
    """The CSV file at `path` as a Dataset; `label` names the label column (default: the last)."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
        if size <= MAX_BYTES:
            raw = path.read_bytes()
    except OSError as exc:
        raise CsvError(f"Cannot read the CSV file {path}: {exc.strerror or exc}.") from exc
    if size > MAX_BYTES:
        raise CsvError(_too_big(size))
    return csv_dataset(raw, str(path), seed, label)


def csv_dataset(raw, name="data.csv", seed=0, label=None):
    """A Dataset from the bytes of a CSV file (an upload, say), split 80/20 per class."""
    header, rows = read_table(decode(raw))
    j = label_column(header, label)
    X = torch.tensor([features_of(header, cells, j, row) for row, cells in rows],
                     dtype=torch.float32)                                     # (n, d)
    labels = [label_of(header, cells, j, row) for row, cells in rows]
    class_names = class_order(labels)
    check_classes(header[j], labels, class_names)
    binary = len(class_names) == 2
    y = torch.tensor([class_names.index(v) for v in labels],
                     dtype=torch.float32 if binary else torch.int64)           # (n,)
    train, test = stratified_split(y, TEST_FRACTION, seed)
    feature_names = header[:j] + header[j + 1:]
    return Dataset(f"csv:{name}", "binary" if binary else "multiclass",
                   X[train], y[train], X[test], y[test], feature_names, class_names,
                   description=f"{Path(name).name}: {len(rows)} rows, {len(feature_names)} "
                               f"features, label '{header[j]}' ({', '.join(class_names)}).")


def decode(raw):
    """The file's text: UTF-8 (a byte-order mark is dropped), within the size limit."""
    if len(raw) > MAX_BYTES:
        raise CsvError(_too_big(len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CsvError(f"The file is not UTF-8 text: byte {exc.start + 1} (on row {line}) is "
                       f"not valid UTF-8. Save it as 'CSV UTF-8' and upload it again.") from None
    if not text.strip():
        raise CsvError("The file is empty: it needs a header row naming the columns, "
                       "then one row per example.")
    return text


def delimiter_of(first_line):
    """',' unless the header uses ';' or tabs (and no comma), as some spreadsheets save."""
    for other in (";", "\t"):
        if other in first_line and "," not in first_line:
            return other
    return ","


def read_table(text):
    """(header, rows): the column names, and (row number, cells) for every non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text.split("\n")[0]))
    try:
        table = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    except csv.Error as exc:
        raise CsvError(f"The file is not a readable CSV table "
                       f"(row {reader.line_num}: {exc}).") from None
    if not table:
        raise CsvError("The file has no rows with values: it needs a header row naming the "
                       "columns, then one row per example.")
    header = [name.strip() for name in table[0][1]]
    check_header(header)
    for row, cells in table[1:]:
        if len(cells) != len(header):
            raise CsvError(f"Row {row} has {len(cells)} values, but the header names "
                           f"{len(header)} columns. Every row needs one value per column.")
    return header, table[1:]


def check_header(header):
    """The first row must name at least two columns, each once, and at most MAX_COLUMNS."""
    if all(_number(name) is not None for name in header):
        raise CsvError(f"The file has no header: its first row holds numbers "
                       f"({', '.join(header[:4])}{', …' if len(header) > 4 else ''}). Add a "
                       f"first row naming each column, e.g. x1,x2,label.")
    if len(header) < 2:
        raise CsvError("The file needs at least two columns: one or more numeric features "
                       "and the label.")
    if len(header) > MAX_COLUMNS:
        raise CsvError(f"The file has {len(header)} columns; the lab takes at most "
                       f"{MAX_COLUMNS}. Keep the features you need and the label.")
    for k, name in enumerate(header):
        if not name:
            raise CsvError(f"Column {k + 1} has no name in the header row. Name every column.")
        if header.index(name) != k:
            raise CsvError(f"Two columns are named '{name}'. Give each column its own name.")


def label_column(header, label=None):
    """The index of the label column: the one named `label`, else the last."""
    if label is None:
        return len(header) - 1
    if label not in header:
        raise CsvError(f"There is no column named '{label}'. The columns are: "
                       f"{', '.join(header)}.")
    return header.index(label)


def features_of(header, cells, j, row):
    """The numbers of one row, every column but the label's."""
    values = []
    for k, cell in enumerate(cells):
        if k == j:
            continue
        if not cell.strip():
            raise CsvError(f"Column '{header[k]}' has no value on row {row}. Every feature "
                           f"needs a number: fill it in or delete the row.")
        value = _number(cell)
        if value is None:
            raise CsvError(f"Column '{header[k]}' has '{cell.strip()[:40]}' on row {row}, "
                           f"which is not a number. Feature columns must hold numbers only: "
                           f"recode it as numbers or delete the column.")
        values.append(value)
    return values


def label_of(header, cells, j, row):
    label = cells[j].strip()
    if not label:
        raise CsvError(f"The label column '{header[j]}' has no value on row {row}. Every "
                       f"row needs its label: fill it in or delete the row.")
    return label


def class_order(labels):
    """The distinct labels in order: by value if all are numbers, else alphabetically."""
    distinct = set(labels)
    try:
        return sorted(distinct, key=float)
    except ValueError:
        return sorted(distinct)


def check_classes(name, labels, class_names):
    """Enough rows, between 2 and MAX_CLASSES classes, and every class at least twice."""
    if len(labels) < MIN_ROWS:
        raise CsvError(f"The file has {len(labels)} data rows; the lab needs at least "
                       f"{MIN_ROWS} to split them into a training and a test set.")
    if len(class_names) == 1:
        raise CsvError(f"The label column '{name}' has one value only ('{class_names[0]}'): "
                       f"a classifier needs examples of at least two classes.")
    if len(class_names) > MAX_CLASSES:
        raise CsvError(f"The label column '{name}' has {len(class_names)} different values; "
                       f"the lab takes at most {MAX_CLASSES} classes. Is it a measurement or "
                       f"an ID rather than a class? Choose another label column.")
    for c in class_names:
        if labels.count(c) < MIN_PER_CLASS:
            raise CsvError(f"Class '{c}' of '{name}' has only {labels.count(c)} row; every "
                           f"class needs at least {MIN_PER_CLASS} (one to train on, one to test).")


def _number(cell):
    """The cell as a finite float, or None."""
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _too_big(size):
    return (f"The file is {size / 2**20:.1f} MB; the lab takes CSV files up to "
            f"{MAX_BYTES // 2**20} MB. Keep fewer rows or columns.")
