"""Hostile or careless CSV files: refused with a one-line message that names the place,
or loaded as the numbers in them say. (Ordinary good and bad files: test_csvdata.py.)"""
import csv
import io

import pytest
import torch

from lab.data.csvdata import CsvError, csv_dataset
from tests.test_csvdata import rows_of, table

PAYLOAD = "__import__('os').system('echo PWNED') #"

# (a character hidden in a name, what the message calls it)
HIDDEN = [
    ("\n", "a line break"),
    ("\r", "a line break"),
    ("\u2028", "a line break"),                     # Unicode's line separator
    ("\x85", "a line break"),                       # C1 "next line"
    ("\t", "a tab"),
    ("\x00", "an invisible control character (U+0000)"),
    ("\x1b", "an invisible control character (U+001B)"),  # ESC, as in terminal colours
    ("\x9b", "an invisible control character (U+009B)"),  # C1 CSI
    ("\u202e", "a character that reverses how text reads (U+202E)"),
    ("\u2066", "a character that reverses how text reads (U+2066)"),
]


def load(raw, name="upload.csv"):
    return csv_dataset(raw, name, seed=0)


def refusal(raw, name="upload.csv"):
    """The message of the CsvError the file raises: one line, of bounded length."""
    with pytest.raises(CsvError) as error:
        load(raw, name)
    message = str(error.value)
    assert message.isprintable() and len(message) < 400, message
    return message


@pytest.mark.parametrize("char, what", HIDDEN, ids=[repr(c) for c, _ in HIDDEN])
def test_a_column_name_with_a_hidden_character_is_refused(char, what):
    header = f'a,b,"label{char}{PAYLOAD}"'
    assert f"Column 3's name contains {what}" in refusal(table(header, *rows_of(20)))


@pytest.mark.parametrize("char, what", HIDDEN, ids=[repr(c) for c, _ in HIDDEN])
def test_a_label_with_a_hidden_character_is_refused(char, what):
    rows = rows_of(20)
    rows[3] = f'3,6,"a{char}{PAYLOAD}"'
    assert f"The label on row 5 contains {what}" in refusal(table("a,b,y", *rows))


@pytest.mark.parametrize("char, what", HIDDEN[:3] + HIDDEN[-2:])
def test_a_file_name_with_a_hidden_character_is_refused(char, what):
    message = refusal(table("a,b,y", *rows_of(20)), f"data{char}{PAYLOAD}.csv")
    assert f"The file's name contains {what}" in message


def test_names_in_any_script_load_as_written():
    """Only what hides or moves text is refused: a Persian word keeps its zero-width
    non-joiner (U+200C), which its spelling needs."""
    word = "می\u200cخواهم"
    data = load(table("größe,ширина,分類", *rows_of(20, label=lambda i: [word, "نه"][i % 2])))
    assert data.feature_names == ["größe", "ширина"] and word in data.class_names


@pytest.mark.parametrize("value", ["1e308", "-1e39", "3.5e38", "1e400", "inf", "-Infinity",
                                   "3.4028235e38"])  # rounds to float32's largest, yet is larger
def test_a_number_float32_cannot_hold_is_refused(value):
    raw = table("a,b,y", *rows_of(5), f"3,{value},a", *rows_of(10))
    message = refusal(raw)
    assert f"Column 'b' has '{value}' on row 7" in message and "float32" in message


def test_the_largest_numbers_float32_holds_load_as_themselves():
    data = load(table("a,b,y", *rows_of(5), "3,3.4e38,a", "4,-3.4e38,b", *rows_of(10)))
    X = torch.cat([data.X_train, data.X_test])
    assert torch.isfinite(X).all() and X.abs().max().item() == pytest.approx(3.4e38)


def test_nan_is_not_a_number():
    message = refusal(table("a,b,y", *rows_of(5), "3,NaN,a", *rows_of(10)))
    assert "Column 'b' has 'NaN' on row 7, which is not a number" in message


def labels(*names, rows=24):
    """A file whose label column cycles through `names`."""
    return load(table("a,b,y", *rows_of(rows, label=lambda i: names[i % len(names)])))


def test_labels_equal_as_numbers_are_one_class():
    data = labels("0", "1", "0.0", "1.0", "0.00", "1.00")
    assert data.task == "binary" and data.class_names == ["0", "1"]  # as first written
    assert data.y_train.sum().item() == len(data.y_train) / 2      # 0.0 and 1.0 alike


def test_number_classes_go_by_value_and_minus_one_is_class_zero():
    assert labels("+1", "-1", "1").class_names == ["-1", "+1"]
    assert labels("10", "9", "-2.5", "1e1").class_names == ["-2.5", "9", "10"]


def test_text_labels_stay_text():
    assert labels("yes", "no").class_names == ["no", "yes"]
    assert labels("cat", "Cat").class_names == ["Cat", "cat"]   # two spellings, two classes
    assert labels("nan", "inf").class_names == ["inf", "nan"]   # not numbers: text


def test_an_unclosed_quote_names_the_row_it_opens_on():
    raw = table("a,b,y", *rows_of(5), '3,"4,a', *rows_of(10))
    assert 'A quote (") opened on row 7 is never closed' in refusal(raw)


def test_text_after_a_closing_quote_names_its_row():
    raw = table("a,b,y", *rows_of(5), '3,"4"5,a', *rows_of(10))
    assert "Row 7 has text right after a closing quote" in refusal(raw)


def test_rows_are_counted_as_a_spreadsheet_counts_them():
    """A quoted value over two lines is one row; so is a blank line."""
    raw = table("a,b,y", '"1\n",2,a', "", *rows_of(5), "3,abc,a", *rows_of(10))
    assert "Column 'b' has 'abc' on row 9" in refusal(raw)


def test_long_names_and_values_are_cut_short_in_messages():
    long = "x" * 5000
    message = refusal(table(f"a,{long},y", *rows_of(5), f"3,{long},a"))
    assert message.count("5000 characters") == 2   # the column's name and its value
    data = load(table(f"a,b,{long}", *rows_of(20, label=lambda i: long + "ab"[i % 2])),
                long + ".csv")
    assert len(data.description) < 400 and data.description.isprintable()


def test_a_label_column_of_row_ids_is_refused_with_its_count():
    """The wrong column chosen as label: every row a class of its own. Values are told
    apart up to COUNTED_LABELS (1000): a column of IDs costs no memory per row."""
    raw = table("x,id", *[f"{i % 10},{i}" for i in range(30_000)])
    assert "The label column 'id' has more than 1,000 different values" in refusal(raw)
    raw = table("x,id", *[f"{i % 10},{i % 300}" for i in range(30_000)])
    assert "The label column 'id' has 300 different values" in refusal(raw)


def test_rows_are_counted_across_the_pieces_the_text_is_read_in():
    """The text is read 64 K characters and 256 rows at a time; a quoted value over two
    lines, wherever it falls, is still one row."""
    rows = [f'"{i}\n",{i % 7},{"ab"[i % 2]}' if i % 37 == 0 else f"{i},{i % 7},{'ab'[i % 2]}"
            for i in range(20_000)]
    text = "\n".join(["a,b,y", *rows, "3,abc,a"]) + "\n"
    assert len(text) > 2 * 2**16
    row = len(list(csv.reader(io.StringIO(text, newline=""))))  # the last row, as csv counts
    assert f"Column 'b' has 'abc' on row {row}," in refusal(text.encode())
    assert row < text.count("\n")                                 # fewer rows than lines
