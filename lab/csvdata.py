"""A user's CSV file as a Dataset: numeric feature columns and one label column.

Nothing in the file is ever evaluated: the csv module cuts it into strings
and float() reads the numbers. Each problem raises CsvError with a one-line
message for the person who made the file; rows are counted as a spreadsheet
counts them, the header being row 1. Names (the file's, the columns', the
labels') that hide a line break or a control character are refused, not
cleaned: the message says which one to retype, and nothing else changes.
"""
import collections
import csv
import io
import math
import re
from pathlib import Path

import torch

from lab.datasets import Dataset, shortened, stratified_split

MAX_BYTES = 5 * 1024 * 1024   # 5 MB: plenty for a table, small for a shared server
MAX_COLUMNS = 100
MAX_CLASSES = 20              # more distinct labels looks like a measurement, not a class
MIN_ROWS = 10
MIN_PER_CLASS = 2             # one to train on, one to test
TEST_FRACTION = 0.2
FLOAT32_MAX = torch.finfo(torch.float32).max  # 3.4e38: a larger number becomes inf
LINE_BREAKS = "\n\r\v\f\x85\u2028\u2029"                     # where a line of text ends
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # reorder text on screen
HIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{LINE_BREAKS}{BIDI}]")  # and C0, C1 controls


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
        raise CsvError(f"Cannot read the CSV file {shortened(str(path))!r}: "
                       f"{exc.strerror or exc}.") from exc
    if size > MAX_BYTES:
        raise CsvError(_too_big(size))
    return csv_dataset(raw, str(path), seed, label)


def csv_dataset(raw, name="data.csv", seed=0, label=None):
    """A Dataset from the bytes of a CSV file (an upload, say), split 80/20 per class."""
    if what := hidden_in(name):
        raise CsvError(f"The file's name contains {what}. Rename the file.")
    header, rows = read_table(decode(raw))
    j = label_column(header, label)
    X = torch.tensor([features_of(header, cells, j, row) for row, cells in rows],
                     dtype=torch.float32)                                     # (n, d)
    labels = [label_of(header, cells, j, row) for row, cells in rows]
    class_names, classes = classes_of(labels)
    check_classes(header[j], classes, class_names)
    binary = len(class_names) == 2
    y = torch.tensor(classes, dtype=torch.float32 if binary else torch.int64)  # (n,)
    train, test = stratified_split(y, TEST_FRACTION, seed)
    feature_names = header[:j] + header[j + 1:]
    return Dataset(f"csv:{name}", "binary" if binary else "multiclass",
                   X[train], y[train], X[test], y[test], feature_names, class_names,
                   description=describe(name, len(rows), feature_names, header[j],
                                        class_names))


def describe(name, num_rows, feature_names, label, class_names):
    """One line for the page: the file, its size, its label column and classes."""
    return (f"{shortened(Path(name).name)}: {num_rows} rows, {len(feature_names)} features, "
            f"label {shortened(label)!r} ({shortened(', '.join(class_names), 120)}).")


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
    table = records(text)
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


def records(text):
    """(row, cells) for every row with a value. Rows count as in a spreadsheet: a blank
    line is a row, and so is a quoted value that runs over several lines."""
    delimiter = delimiter_of(text.partition("\n")[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        strict=True)  # a quote never closed: an error, not the rest of the file
    table, row = [], 0
    try:
        for row, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                table.append((row, cells))
    except csv.Error as exc:  # raised reading the row after the last one read
        raise CsvError(unreadable(row + 1, str(exc))) from None
    return table


def unreadable(row, error):
    """The message for the csv module's `error` on `row`."""
    if error == "unexpected end of data":
        return (f'A quote (") opened on row {row} is never closed, so the rest of the file '
                f"would be one value. Add the closing quote, or remove the opening one.")
    if "expected after" in error:
        return (f"Row {row} has text right after a closing quote. A quoted value ends at its "
                f'closing quote: quote the whole value (a quote inside it is written "").')
    return f"The file is not a readable CSV table (row {row}: {error})."


def check_header(header):
    """The first row must name at least two columns, each once, and at most MAX_COLUMNS."""
    if all(_number(name) is not None for name in header):
        numbers = ", ".join(shortened(name, 20) for name in header[:4])
        raise CsvError(f"The file has no header: its first row holds numbers "
                       f"({numbers}{', …' if len(header) > 4 else ''}). Add a "
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
        if what := hidden_in(name):
            raise CsvError(f"Column {k + 1}'s name contains {what}. A name is one line of "
                           f"plain text: retype it in the header row.")
        if header.index(name) != k:
            raise CsvError(f"Two columns are named {shortened(name)!r}. Give each column its "
                           f"own name.")


def label_column(header, label=None):
    """The index of the label column: the one named `label`, else the last."""
    if label is None:
        return len(header) - 1
    if label not in header:
        raise CsvError(f"There is no column named {shortened(label)!r}. The columns are: "
                       f"{shortened(', '.join(header), 200)}.")
    return header.index(label)


def features_of(header, cells, j, row):
    """The numbers of one row, every column but the label's."""
    return [feature_value(header[k], cell, row) for k, cell in enumerate(cells) if k != j]


def feature_value(name, cell, row):
    """One feature cell as a number float32 holds; else a CsvError that names the cell."""
    value = _number(cell)
    if value is not None and abs(value) <= FLOAT32_MAX:
        return value
    where = f"Column {shortened(name)!r}"
    if not cell.strip():
        raise CsvError(f"{where} has no value on row {row}. Every feature needs a number: "
                       f"fill it in or delete the row.")
    said = f"{where} has {shortened(cell.strip(), 40)!r} on row {row}"
    if value is None:
        raise CsvError(f"{said}, which is not a number. Feature columns must hold numbers "
                       f"only: recode it as numbers or delete the column.")
    raise CsvError(f"{said}, beyond what float32, the lab's number type, can hold "
                   f"(±{FLOAT32_MAX:.1e}). Rescale the column (divide it by a power of ten) "
                   f"or delete it.")


def label_of(header, cells, j, row):
    label = cells[j].strip()
    if not label:
        raise CsvError(f"The label column {shortened(header[j])!r} has no value on row {row}. "
                       f"Every row needs its label: fill it in or delete the row.")
    if what := hidden_in(label):
        raise CsvError(f"The label on row {row} contains {what}. A label is one line of "
                       f"plain text: retype it.")
    return label


def hidden_in(text):
    """What in `text` breaks or disguises a line, said for a person; None if nothing."""
    found = HIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    if char in LINE_BREAKS:
        return "a line break"
    if char == "\t":
        return "a tab"
    if char in BIDI:
        return f"a character that reverses how text reads (U+{ord(char):04X})"
    return f"an invisible control character (U+{ord(char):04X})"


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


def check_classes(name, classes, class_names):
    """Enough rows, between 2 and MAX_CLASSES classes, and every class at least twice."""
    name = shortened(name)
    if len(classes) < MIN_ROWS:
        raise CsvError(f"The file has {len(classes)} data rows; the lab needs at least "
                       f"{MIN_ROWS} to split them into a training and a test set.")
    if len(class_names) == 1:
        raise CsvError(f"The label column {name!r} has one value only "
                       f"({shortened(class_names[0])!r}): a classifier needs examples of at "
                       f"least two classes.")
    if len(class_names) > MAX_CLASSES:
        raise CsvError(f"The label column {name!r} has {len(class_names)} different values; "
                       f"the lab takes at most {MAX_CLASSES} classes. Is it a measurement or "
                       f"an ID rather than a class? Choose another label column.")
    counts = collections.Counter(classes)
    for c, class_name in enumerate(class_names):
        if counts[c] < MIN_PER_CLASS:
            raise CsvError(f"Class {shortened(class_name)!r} of {name!r} has only {counts[c]} "
                           f"row; every class needs at least {MIN_PER_CLASS} (one to train "
                           f"on, one to test).")


def _number(cell):
    """The cell as a float (inf if too large for one), or None: not a number, as nan is not."""
    try:
        value = float(cell)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _too_big(size):
    return (f"The file is {size / 2**20:.1f} MB; the lab takes CSV files up to "
            f"{MAX_BYTES // 2**20} MB. Keep fewer rows or columns.")
