"""A user's CSV: good files load and train from the command line; a bad one says what is wrong."""
import io
import json
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import torch

from lab.data import csvdata
from lab.data import csvtable
from lab.data.csvdata import MAX_BYTES, CsvError, csv_dataset, load_csv
from lab.data import Dataset, load, stratified_split

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
    # which problem is told when there are several: the table, then features, then labels
    (table("a,b,y", "1,2,", *rows_of(5), "3,abc,a", *rows_of(10)), "'abc' on row 8"),
    (table("a,b,y", "1,abc,a", *rows_of(5), "3,4", *rows_of(10)), "Row 8 has 2 values"),
    (table("a,a,y", "1,abc,a", *rows_of(5), '3,"4,a'), 'A quote (") opened on row 8'),
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


# -- the quick reader and the careful one ------------------------------------------------
# csv_dataset reads numbers a chunk of rows at a time with numpy (quick_features) and
# goes cell by cell (careful_features) only to name a bad cell. Both must give the same
# Dataset, and the same message, as the reader the lab had before: every row's numbers
# through float() into one torch.tensor, every label through label_of. That reader,
# restated from the row-by-row functions, is the oracle here.

def row_by_row(raw, name="upload.csv", seed=0, label=None):
    """The Dataset as the row-by-row reader made it: lists of floats, then one tensor."""
    if what := csvdata.hidden_in(name):
        raise CsvError(f"The file's name contains {what}. Rename the file.")
    header, rows = csvdata.read_table(csvdata.decode(raw))
    rows = list(rows)
    j = csvdata.label_column(header, label)
    X = torch.tensor([csvdata.features_of(header, cells, j, row) for row, cells in rows],
                     dtype=torch.float32)
    labels = [csvdata.label_of(header, cells, j, row) for row, cells in rows]
    class_names, classes = csvdata.classes_of(labels)
    counts = [classes.count(c) for c in range(len(class_names))]
    csvdata.check_classes(header[j], counts, class_names)
    binary = len(class_names) == 2
    y = torch.tensor(classes, dtype=torch.float32 if binary else torch.int64)
    train, test = stratified_split(y, csvdata.TEST_FRACTION, seed)
    names = header[:j] + header[j + 1:]
    return Dataset(f"csv:{name}", "binary" if binary else "multiclass", X[train], y[train],
                   X[test], y[test], names, class_names,
                   description=csvdata.describe(name, len(rows), names, header[j], class_names))


def outcome(read, raw, label=None):
    """What reading `raw` gives: the Dataset's parts, or the message it raises."""
    try:
        data = read(raw, "upload.csv", seed=3, label=label)
    except CsvError as exc:
        return str(exc)
    tensors = [data.X_train, data.y_train, data.X_test, data.y_test]
    return ([(t.dtype, t.shape, t.tolist()) for t in tensors], data.task, data.feature_names,
            data.class_names, data.description, data.name)


def careful_only(monkeypatch):
    """csv_dataset with the quick twin switched off: every chunk goes cell by cell."""
    monkeypatch.setattr(csvdata, "quick_features", lambda chunk, header, j: None)


def assert_readers_agree(monkeypatch, raw, label=None):
    monkeypatch.setattr(csvdata, "CHUNK_ROWS", 3)  # chunk edges everywhere, even in tiny files
    expected = outcome(row_by_row, raw, label)
    assert outcome(csv_dataset, raw, label) == expected
    with monkeypatch.context() as m:
        careful_only(m)
        assert outcome(csv_dataset, raw, label) == expected
    return expected


def rows_as(cells, sep=",", end="\n"):
    return "".join(sep.join(row) + end for row in cells).encode()


def two_numbers_and(labels="ab"):
    """23 rows of two numbers and a label."""
    return [[f"{i * 0.37 - 3:.3f}", f"{(i * 7) % 11}", labels[i % len(labels)]]
            for i in range(23)]


CORPUS = {
    "plain": table("a,b,y", *rows_of(25)),
    "three classes, label first": (rows_as([["y", "a", "b"]] + [
        [y, a, b] for a, b, y in two_numbers_and(["c0", "c1", "c2"])]), "y"),
    "semicolons, comma decimals as text labels": rows_as(
        [["x", "label"]] + [[str(i), f"{i % 2},5"] for i in range(20)], sep=";"),
    "tabs": rows_as([["x", "y", "label"], *two_numbers_and()], sep="\t"),
    "CRLF": rows_as([["a", "b", "y"], *two_numbers_and()], end="\r\n"),
    "lone CR": rows_as([["a", "b", "y"], *two_numbers_and()], end="\r"),
    "BOM": b"\xef\xbb\xbf" + table("a,b,y", *rows_of(20)),
    "quoted header and values": table('"a","b, cm","y"', *[f'"{i}","{i}.5","{"ab"[i % 2]}"'
                                                           for i in range(20)]),
    "a value over two lines": table("a,b,y", *rows_of(12), '"1\n",2,a', '3,"\n4",b'),
    "blank and blank-celled rows": table("a,b,y", "", *rows_of(6), " , , ", "", *rows_of(9),
                                         "", ""),
    "spaces around numbers and labels": table("a,b,y", *[f" {i} ,\t{i}.0 , {'ab'[i % 2]} "
                                                         for i in range(20)]),
    "labels equal as numbers": table(
        "a,b,y", *rows_of(24, label=lambda i: ["0", "1", "0.0", "1e0", "-0"][i % 5])),
    "float32 rounding and extremes": table("a,b,y", *[
        f"{v},{w},{'ab'[i % 2]}" for i, (v, w) in enumerate(
            [("1.0000000596046448", "0.1"), ("3.4e38", "-3.4e38"), ("1e-46", "-1e-50"),
             ("16777217", "1_000"), ("+.5", "5."), ("-0", "1E5"), ("٣", "\u00a07\u00a0")] * 3)]),
    "label column by name, in the middle": (
        table("a,kind,b", *[f"{i},{'xyz'[i % 3]},{i * 2}" for i in range(21)]), "kind"),
    "names in any script": table("größe,ширина,分類",
                                 *rows_of(20, label=lambda i: ["はい", "いいえ"][i % 2])),
}


@pytest.mark.parametrize("name", CORPUS)
def test_the_quick_and_the_careful_reader_give_the_same_dataset(monkeypatch, name):
    raw, label = CORPUS[name] if isinstance(CORPUS[name], tuple) else (CORPUS[name], None)
    result = assert_readers_agree(monkeypatch, raw, label)
    assert not isinstance(result, str), result  # these files all load


@pytest.mark.parametrize("raw, message", BAD, ids=[m for _, m in BAD])
def test_the_quick_and_the_careful_reader_give_the_same_message(monkeypatch, raw, message):
    assert message in assert_readers_agree(monkeypatch, raw)


def random_file(rng):
    """A small table with a few odd cells: numbers as people write them, and mistakes."""
    numbers = ["0", "1", "-2.5", "1e3", " 4 ", "0.1", "1_0", "3.4e38", "1e39", "", "nan",
               "abc", "inf", "+.5", "٣", '"7"']
    labels = ["a", "b", "c", " a", "0", "1", "1.0", "", '"a"', "x\ty", '"x\ny"']
    sep = rng.choice([",", ";", "\t"])
    width = rng.randint(2, 4)
    lines = [sep.join(f"c{k}" for k in range(width))]
    for _ in range(rng.randint(8, 40)):
        cells = [rng.choice(numbers[:6]) if rng.random() < 0.99 else rng.choice(numbers)
                 for _ in range(width - 1)]
        cells.append(rng.choice(labels[:2]) if rng.random() < 0.98 else rng.choice(labels))
        if rng.random() < 0.005:
            cells.pop()  # a row one value short
        lines.append(sep.join(cells) if rng.random() > 0.03 else "")
    return ("\n".join(lines) + rng.choice(["\n", "", "\n\n"])).encode()


def test_the_readers_agree_on_random_files(monkeypatch):
    rng = random.Random(13)
    results = [assert_readers_agree(monkeypatch, random_file(rng)) for _ in range(300)]
    loaded = sum(not isinstance(r, str) for r in results)
    assert 50 < loaded < 250  # both what loads and what is refused were tried


# -- a big file costs what its size says, refused early when it is too big -----------------

def test_a_file_over_the_memory_budget_is_refused_before_its_rows_are_read():
    raw = ("x,y\n" + '"never closed,\n' + ",\n" * 2_490_000).encode()
    assert len(raw) <= MAX_BYTES
    message = ("The file has 2,490,002 rows of 2 columns; reading them would take about 62 MB "
               "of the server's memory, and the lab reads files of up to 40 MB. Keep fewer")
    with pytest.raises(CsvError, match=message):   # not the quote on row 2: never read
        load_from_bytes(raw)
    with pytest.raises(CsvError, match=message):   # the page asks for the header first
        csvdata.read_table(csvdata.decode(raw))


def test_five_million_blank_lines_are_refused_unread():
    raw = b"x,label\n" + b"\n" * 5_000_000
    with pytest.raises(CsvError, match="5,000,001 rows of 2 columns; reading them would take "
                                       "about 119 MB"):
        load_from_bytes(raw)


def test_the_budget_lets_the_largest_plausible_files_through():
    """1.2 M rows of a digit and a label (4.8 MB, issue 13's file) and every file of 5 MB
    whose rows hold a number in each cell."""
    for text in ["x,y\n" + "1,0\n" * 1_200_000, "x,y\n" + "1,0\n" * (MAX_BYTES // 4),
                 "a,b,y\r\n" + "1,2,0\r\n" * (MAX_BYTES // 7),
                 ",".join(f"c{k}" for k in range(100)) + "\n" + ("1," * 99 + "0\n") * 26_000]:
        assert len(text) <= MAX_BYTES + 2000
        csvtable.check_size(text, text[:text.index("\n")].count(",") + 1)


def test_reading_the_issues_file_takes_less_than_three_times_its_float32_numbers():
    """Issue 13: 1.2 M rows of one feature and a label, peak memory at most 3x the rows'
    float32 numbers (9.2 MB), measured in a fresh process by scripts/bench_csv.py."""
    out = subprocess.run([sys.executable, "scripts/bench_csv.py", "--child", "rss",
                          "--case", "1.2M-x-2"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=True)
    measured = json.loads(out.stdout.splitlines()[-1])
    assert measured["message"] is None                        # it loaded
    assert measured["peak"] < 3 * 1_200_000 * 2 * 4 / 2**20, measured


def test_a_clean_file_never_goes_cell_by_cell_and_a_bad_cell_only_its_chunk(monkeypatch):
    careful = []
    real = csvdata.careful_features
    monkeypatch.setattr(csvdata, "careful_features",
                        lambda chunk, *args: careful.append(len(chunk)) or real(chunk, *args))
    load_from_bytes(table("a,b,y", *rows_of(2000)))
    assert careful == []
    with pytest.raises(CsvError, match="Column 'b' has 'abc' on row 1602"):
        load_from_bytes(table("a,b,y", *rows_of(1600), "3,abc,a", *rows_of(400)))
    assert careful == [csvdata.CHUNK_ROWS]


def test_reading_keeps_no_python_object_per_row():
    """The text, the float32 features, two label numbers and a mark per row: nothing else
    grows with the rows (the lists of floats the lab once kept took 30 times the numbers'
    size). tracemalloc sees Python's and numpy's memory, not torch's (the split's)."""
    raw = ("a,b,c,y\n" + "".join(f"{i % 97 / 7:.3f},{i % 13},-{i % 5},{i % 2}\n"
                                 for i in range(100_000))).encode()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        data = load_from_bytes(raw)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    float32_size = 100_000 * 4 * 4   # 1.6 MB
    assert len(data.y_train) + len(data.y_test) == 100_000
    assert peak < len(raw) + 1.5 * float32_size  # the text, the numbers, the labels' numbers


def test_labels_written_many_ways_are_not_all_kept():
    """10,000 ways of writing 0 (0e0, 0e1, …) and a 1: two classes. Past COUNTED_LABELS
    ways a label is looked at anew, not kept: a hostile file stays small."""
    raw = table("x,y", *[f"{i},{'1' if i % 2 else f'0e{i // 2}'}" for i in range(20_000)])
    data = load_from_bytes(raw)
    assert data.class_names == ["0e0", "1"] and len(data.y_train) == 16_000
    assert data.y_test.sum() == 2000 and data.y_train.sum() == 8000


def test_a_column_of_ids_is_counted_up_to_a_thousand_values():
    def ids(n):
        return table("x,id", *[f"{i % 10},{i % n}" for i in range(2 * n)])
    assert "'id' has 999 different values" in refusal_of(ids(999))
    assert "'id' has 1000 different values" in refusal_of(ids(1000))
    assert "'id' has more than 1,000 different values" in refusal_of(ids(1001))


def refusal_of(raw):
    with pytest.raises(CsvError) as error:
        load_from_bytes(raw)
    return str(error.value)


def old_stratified_split(y, test_fraction, seed):
    """The split as the lab drew it until issue 13: per class, row indices permuted."""
    g = torch.Generator().manual_seed(seed)
    train, test = [], []
    for label in torch.unique(y):
        idx = torch.nonzero(y == label).reshape(-1)
        idx = idx[torch.randperm(len(idx), generator=g)]
        k = round(len(idx) * test_fraction)
        test.append(idx[:k])
        train.append(idx[k:])
    return torch.sort(torch.cat(train)).values, torch.sort(torch.cat(test)).values


def test_the_split_draws_the_rows_the_old_split_drew():
    """stratified_split no longer sorts int64 indices; every split (bundled sets, CSV
    files, exported scripts) must still put the same rows in the test set."""
    rng = random.Random(0)
    for _ in range(500):
        k = rng.randint(1, 12)
        labels = [rng.randrange(k) * rng.choice([1, 1, 2]) for _ in range(rng.randint(1, 200))]
        y = torch.tensor(labels, dtype=rng.choice([torch.float32, torch.int64, torch.int16]))
        fraction, seed = rng.choice([0.2, 0.25, 0.5, 0.1]), rng.randint(0, 10**6)
        new, old = stratified_split(y, fraction, seed), old_stratified_split(y, fraction, seed)
        assert all(torch.equal(a, b) for a, b in zip(new, old)), (labels, fraction, seed)


def test_lines_are_cut_as_a_stringio_cuts_them():
    rng = random.Random(0)
    for _ in range(200):
        text = "".join(rng.choice(["a", ",", "\n", "\r", "\r\n", '"', "é", "\f", "\x85",
                                   "\u2028"])  # str.splitlines would cut at these three too
                       for _ in range(rng.randint(0, 60)))
        for piece in (1, 2, 5, 100):
            assert list(csvtable.lines(text, piece)) == list(io.StringIO(text, newline=""))
