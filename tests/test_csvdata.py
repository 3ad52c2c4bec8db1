"""A user's CSV: good files load and train from the command line; a bad one says what is wrong."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lab.csvdata import MAX_BYTES, CsvError, csv_dataset, load_csv
from lab.datasets import load

ROOT = Path(__file__).resolve().parent.parent


def write_csv(path, classes=("no", "yes"), rows=40, label_first=False, sep=","):
    """Two numeric features and a column "label"; class c sits around x1 = c."""
    g = torch.Generator().manual_seed(0)
    lines = [["label", "x1", "x2"] if label_first else ["x1", "x2", "label"]]
    for i in range(rows):
        c = i % len(classes)
        x1, x2 = (c + 0.3 * torch.randn(1, generator=g).item(), torch.rand(1, generator=g).item())
        values = [f"{x1:.4f}", f"{x2:.4f}"]
        lines.append([classes[c], *values] if label_first else [*values, classes[c]])
    Path(path).write_text("\n".join(sep.join(line) for line in lines) + "\n", encoding="utf-8")
    return path


def table(*lines):
    return ("\n".join(lines) + "\n").encode()


def rows_of(n, label=lambda i: "ab"[i % 2]):
    return [f"{i},{i * 2},{label(i)}" for i in range(n)]


def test_binary_labels_of_any_two_values(tmp_path):
    data = load_csv(write_csv(tmp_path / "buy.csv", classes=("yes", "no")))
    assert data.task == "binary"
    assert data.class_names == ["no", "yes"]
    assert data.feature_names == ["x1", "x2"]
    assert data.y_train.dtype == torch.float32 and set(data.y_train.tolist()) == {0.0, 1.0}
    assert len(data.y_train) == 32 and len(data.y_test) == 8  # 80/20
    assert data.y_test.sum().item() == 4                      # per class: stratified


def test_split_depends_on_the_seed_only(tmp_path):
    path = write_csv(tmp_path / "d.csv")
    a, b, c = load_csv(path, seed=1), load_csv(path, seed=1), load_csv(path, seed=2)
    assert torch.equal(a.X_test, b.X_test) and not torch.equal(a.X_test, c.X_test)


def test_three_classes_are_multiclass_and_the_label_is_chosen_by_name(tmp_path):
    path = write_csv(tmp_path / "three.csv", classes=("cat", "dog", "emu"), rows=30,
                     label_first=True)
    data = load(f"csv:{path}", label="label")
    assert data.task == "multiclass" and data.num_classes == 3
    assert data.y_train.dtype == torch.int64
    assert data.feature_names == ["x1", "x2"]


def test_number_labels_are_ordered_by_value_and_semicolons_work():
    rows = [f"{i};{i % 3 * 5 + 5}" for i in range(12)]  # labels 5, 10, 15
    data = csv_dataset(table("x;grade", *rows), seed=0)
    assert data.class_names == ["5", "10", "15"]


def test_a_utf8_byte_order_mark_is_dropped():
    data = load_from_bytes(b"\xef\xbb\xbf" + table("a,b,y", *rows_of(20)))
    assert data.feature_names == ["a", "b"]


def load_from_bytes(raw):
    return csv_dataset(raw, "upload.csv", seed=0)


BAD = [
    (b"", "The file is empty"),
    (b"  \n\n", "The file is empty"),
    (table("1,2,0", *rows_of(20)), "no header"),
    (table("a,b,y", *rows_of(5), "3,abc,a", *rows_of(10)), "Column 'b' has 'abc' on row 7"),
    (table("a,b,y", *rows_of(5), "3,,a", *rows_of(10)), "Column 'b' has no value on row 7"),
    (table("a,b,y", *rows_of(5), "3,nan,a", *rows_of(10)), "Column 'b' has 'nan' on row 7"),
    (table("a,b,y", *rows_of(5), "__import__('os'),1,a"), "which is not a number"),
    (table("a,b,y", *rows_of(5), "3,4,", *rows_of(10)), "label column 'y' has no value on row 7"),
    (table("a,b,y", *rows_of(5), "3,4", *rows_of(10)), "Row 7 has 2 values"),
    (table("a,b,y", *rows_of(20, label=lambda i: "same")), "one value only ('same')"),
    (table("a,b,y", *rows_of(42, label=lambda i: f"c{i % 21}")), "21 different values"),
    (table("a,b,y", *rows_of(9)), "9 data rows"),
    (table("a,b,y", *rows_of(12, label=lambda i: "b" if i == 3 else "a")),
     "Class 'b' of 'y' has only 1"),
    (table(",".join(f"c{i}" for i in range(101)), ",".join("1" * 101)), "101 columns"),
    (table("a,a,y", *rows_of(20)), "Two columns are named 'a'"),
    (table("a,,y", *rows_of(20)), "Column 2 has no name"),
    (table("y"), "at least two columns"),
    ("a,b,y\n1,2,é\n".encode("latin-1"), "not UTF-8"),
]


@pytest.mark.parametrize("raw, message", BAD, ids=[m for _, m in BAD])
def test_each_problem_gets_its_own_message(raw, message):
    with pytest.raises(CsvError) as error:
        load_from_bytes(raw)
    assert message in str(error.value)
    assert isinstance(error.value, ValueError)


def test_unknown_label_column_lists_the_columns(tmp_path):
    with pytest.raises(CsvError, match="no column named 'kind'. The columns are: x1, x2, label"):
        load_csv(write_csv(tmp_path / "d.csv"), label="kind")


def test_files_over_the_size_limit_are_not_read(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * (MAX_BYTES // 4 + 1))
    with pytest.raises(CsvError, match=r"5\.0 MB; the lab takes CSV files up to 5 MB"):
        load_csv(path)
    with pytest.raises(CsvError, match="up to 5 MB"):
        load_from_bytes(path.read_bytes())


def test_a_missing_file_is_a_csv_error(tmp_path):
    with pytest.raises(CsvError, match="Cannot read the CSV file"):
        load_csv(tmp_path / "nope.csv")


def lab(*args):
    return subprocess.run([sys.executable, "-m", "lab", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_yes_no_file_trains_from_the_command_line(tmp_path):
    path = write_csv(tmp_path / "buy.csv", classes=("yes", "no"), label_first=True)
    out = lab("train", "--dataset", f"csv:{path}", "--label", "label", "--lr", "0.5",
              "--epochs", "30", "--batch-size", "8", "--json")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines[-1]["done"] is True and len(lines) == 31
    assert lines[-2]["train_loss"] < lines[0]["train_loss"]
    assert lines[-2]["test_acc"] >= 0.75


def test_a_three_class_file_trains_softmax_from_the_command_line(tmp_path):
    path = write_csv(tmp_path / "three.csv", classes=("cat", "dog", "emu"), rows=60)
    out = lab("train", "--model", "softmax", "--dataset", f"csv:{path}", "--impl", "both",
              "--lr", "0.5", "--epochs", "20", "--batch-size", "8", "--json")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines[-1]["params"]["nn"]["bias"]) == 3
    assert lines[-1]["max_param_gap"] < 1e-5


def test_a_bad_file_is_one_line_on_the_command_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(table("a,b,y", *rows_of(5), "3,abc,a", *rows_of(10)))
    out = lab("train", "--dataset", f"csv:{path}")
    assert out.returncode != 0
    assert out.stderr.strip() == ("error: Column 'b' has 'abc' on row 7, which is not a number. "
                                  "Feature columns must hold numbers only: recode it as numbers "
                                  "or delete the column.")
