"""A CSV file's text as a checked table of strings: a header, then rows of cells.

The csv module cuts the text; nothing in it is evaluated. Rows are counted as a
spreadsheet counts them, the header being row 1. The table is read as a stream,
row by row, and never kept whole: a 5 MB file can hold a million rows, and a
million small Python lists would take hundreds of megabytes.

A message is kept as its English sentence and its facts (Said), and said in the language
of the moment each time it is shown: a refusal kept for a file reads in the language of
whoever sees it, not of whoever read the file first.
"""
import csv
import io
import itertools
import math
import re
import sys

from lab.i18n import N_, Said
from lab.text import shortened

MAX_BYTES = 5 * 1024 * 1024   # 5 MB: plenty for a table, small for a shared server
MAX_COLUMNS = 100
MEMORY_BUDGET = 40 * 2**20    # bytes one file may take while it is read, on a shared server
ROW_BYTES = 16                # a row's label and class numbers, split index and marks
CELL_BYTES = 4                # a number as float32 (the label's cell too: its float32 y)
LINE_BREAKS = "\n\r\v\f\x85\u2028\u2029"                     # where a line of text ends
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # reorder text on screen
HIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{LINE_BREAKS}{BIDI}]")  # and C0, C1 controls


class CsvError(ValueError):
    """The file cannot be used; the message says why and what to change. Made from a
    msgid and its facts (CsvError(N_("Row {row} …"), row=3)); str() is in the current
    language. `said` is what a cache keeps: the facts, never the sentence."""

    def __init__(self, message, **facts):
        self.said = message if isinstance(message, Said) else Said(message, **facts)
        super().__init__(self.said.msgid)

    def __str__(self):
        return str(self.said)


def decode(raw):
    """The file's text: UTF-8 (a byte-order mark is dropped), within the size limit."""
    if len(raw) > MAX_BYTES:
        raise too_big(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CsvError(N_("The file is not UTF-8 text: byte {byte} (on row {row}) is not valid "
                          "UTF-8. Save it as 'CSV UTF-8' and upload it again."),
                       byte=exc.start + 1, row=line) from None
    if not text or text.isspace():  # not text.strip(): that copies the text
        raise CsvError(N_("The file is empty: it needs a header row naming the columns, "
                          "then one row per example."))
    return text


def too_big(size):
    """The CsvError for a file of `size` bytes, more than MAX_BYTES."""
    return CsvError(N_("The file is {size:.1f} MB; the lab takes CSV files up to {most} MB. "
                       "Keep fewer rows or columns."), size=size / 2**20, most=MAX_BYTES // 2**20)


def delimiter_of(first_line):
    """',' unless the header uses ';' or tabs (and no comma), as some spreadsheets save."""
    for other in (";", "\t"):
        if other in first_line and "," not in first_line:
            return other
    return ","


def read_table(text):
    """(header, rows): the column names, and an iterator of (row number, cells) for every
    data row. The whole table is checked first; a CsvError says where it is not one."""
    header, _num_rows = check_table(text)
    return header, data_rows(text)


def check_table(text):
    """(header, num_rows): the checked column names and the number of data rows. Every
    row is read, none kept; the first problem found raises, as one message."""
    rows = records(text)
    first = next(rows, None)
    if first is None:
        raise CsvError(N_("The file has no rows with values: it needs a header row naming the "
                          "columns, then one row per example."))
    header = [name.strip() for name in first[1]]
    check_size(text, len(header))
    ragged, num_rows = None, 0
    for row, cells in rows:  # a csv error (a quote never closed) raises here: it comes first
        num_rows += 1
        if ragged is None and len(cells) != len(header):
            ragged = row, len(cells)
    check_header(header)
    if ragged:
        raise CsvError(N_("Row {row} has {count} values, but the header names {columns} "
                          "columns. Every row needs one value per column."),
                       row=ragged[0], count=ragged[1], columns=len(header))
    return header, num_rows


def check_size(text, num_columns):
    """Refuse a table that would take more than MEMORY_BUDGET to read, before reading it."""
    lines, need = memory_needed(text, num_columns)
    if need > MEMORY_BUDGET:
        raise CsvError(N_("The file has {lines:,} rows of {columns} columns; reading them "
                          "would take about {need:.0f} MB of the server's memory, and the lab "
                          "reads files of up to {most} MB. Keep fewer rows or columns."),
                       lines=lines, columns=num_columns, need=need / 2**20,
                       most=MEMORY_BUDGET // 2**20)


def memory_needed(text, num_columns):
    """(lines, bytes): the text's lines, an upper bound on its rows found by counting line
    breaks, and the most memory reading it takes: the text, and ROW_BYTES and CELL_BYTES
    a column for each line (measured by scripts/bench_csv.py)."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    lines = breaks + (not text.endswith(("\n", "\r")))  # the last line may have none
    return lines, sys.getsizeof(text) + lines * (ROW_BYTES + CELL_BYTES * num_columns)


def data_rows(text):
    """(row, cells) for every row after the header."""
    rows = records(text)
    next(rows)
    return rows


def records(text):
    """(row, cells) for every row with a value. Rows count as in a spreadsheet: a blank
    line is a row, and so is a quoted value that runs over several lines."""
    delimiter = delimiter_of(first_line(text))
    reader = csv.reader(lines(text), delimiter=delimiter,
                        strict=True)  # a quote never closed: an error, not the rest of the file
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if any(map(str.strip, cells)):
                yield row, cells
    except csv.Error as exc:  # raised reading the row after the last one read
        raise unreadable(row + 1, str(exc)) from None


def lines(text, piece=1 << 16):
    r"""The text's lines, cut as io.StringIO(newline="") cuts them (at \n, \r\n and \r),
    a piece at a time: a StringIO of the whole text would hold 4 bytes per character."""
    return itertools.chain.from_iterable(io.StringIO(part, newline="")
                                         for part in parts(text, piece))


def parts(text, size):
    """The text in consecutive parts of about `size` characters, each ending a line."""
    start = 0
    while start < len(text):
        stop = text.find("\n", start + size) + 1 or len(text)  # after a \n, or the end
        yield text[start:stop]
        start = stop


def first_line(text):
    r"""The text up to its first \n (text.partition would copy all the rest)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def unreadable(row, error):
    """The CsvError for the csv module's `error` on `row`."""
    if error == "unexpected end of data":
        return CsvError(N_('A quote (") opened on row {row} is never closed, so the rest of '
                           "the file would be one value. Add the closing quote, or remove the "
                           "opening one."), row=row)
    if "expected after" in error:
        return CsvError(N_("Row {row} has text right after a closing quote. A quoted value "
                           "ends at its closing quote: quote the whole value (a quote inside "
                           'it is written "").'), row=row)
    return CsvError(N_("The file is not a readable CSV table (row {row}: {error})."),
                    row=row, error=error)


def check_header(header):
    """The first row must name at least two columns, each once, and at most MAX_COLUMNS."""
    if all(number(name) is not None for name in header):
        numbers = ", ".join(shortened(name, 20) for name in header[:4])
        raise CsvError(N_("The file has no header: its first row holds numbers ({numbers}). "
                          "Add a first row naming each column, e.g. x1,x2,label."),
                       numbers=numbers + (", …" if len(header) > 4 else ""))
    if len(header) < 2:
        raise CsvError(N_("The file needs at least two columns: one or more numeric features "
                          "and the label."))
    if len(header) > MAX_COLUMNS:
        raise CsvError(N_("The file has {columns} columns; the lab takes at most {most}. Keep "
                          "the features you need and the label."),
                       columns=len(header), most=MAX_COLUMNS)
    for k, name in enumerate(header):
        if not name:
            raise CsvError(N_("Column {column} has no name in the header row. Name every "
                              "column."), column=k + 1)
        if what := hidden_in(name):
            raise CsvError(N_("Column {column}'s name contains {what}. A name is one line of "
                              "plain text: retype it in the header row."),
                           column=k + 1, what=what)
        if header.index(name) != k:
            raise CsvError(N_("Two columns are named {name}. Give each column its own name."),
                           name=repr(shortened(name)))


def hidden_in(text):
    """What in `text` breaks or disguises a line, said for a person; None if nothing."""
    found = HIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    if char in LINE_BREAKS:
        return Said(N_("a line break"))
    if char == "\t":
        return Said(N_("a tab"))
    code = f"U+{ord(char):04X}"
    if char in BIDI:
        return Said(N_("a character that reverses how text reads ({code})"), code=code)
    return Said(N_("an invisible control character ({code})"), code=code)


def number(cell):
    """The cell as a float (inf if too large for one), or None: not a number, as nan is not."""
    try:
        value = float(cell)
    except ValueError:
        return None
    return None if math.isnan(value) else value
