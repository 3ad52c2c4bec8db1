"""Awkward CSV files for the stateful test, built in code: what spreadsheets, scripts and
mischief really upload. Each says whether a careful reader must accept it (and with how
many classes) or must refuse it with a message; None leaves the choice to the lab."""
import random
from dataclasses import dataclass

# User text that must be shown as text. They carry "zz" so that no text of the lab's own
# ever matches them: any of these found rendered as Markdown came from a file or a link.
LINK = "[zzlink](https://evil.example)"
LATEX = r"$\Huge zzX$"
BOLD = "**zzbold**"
HTML = "<b>zzb</b>"
HEADING = "x\n# zzhead"      # a newline, then a Markdown heading
MARKUP = (LINK, LATEX, BOLD, HTML, HEADING)


@dataclass(frozen=True)
class CsvFile:
    name: str
    data: bytes
    valid: bool | None      # True: must be accepted; False: must be refused with a message
    classes: int | None     # the number of classes a careful reader finds
    note: str

    def __repr__(self):     # short, for Hypothesis's report of a failing sequence
        return f"CORPUS[{self.name!r}]"


def rows(labels=("0", "1"), n=24, features=2, fmt="{:.2f}"):
    """n rows of `features` numbers and a label, the classes apart in every feature."""
    out = []
    for i in range(n):
        c = i % len(labels)
        out.append([fmt.format(c * 2 + 0.1 * (i % 7) + j) for j in range(features)]
                   + [labels[c]])
    return out


def table(header, body, sep=",", eol="\n", quote=False):
    cell = (lambda v: '"' + v.replace('"', '""') + '"') if quote else (lambda v: v)
    return eol.join(sep.join(cell(v) for v in line) for line in [header, *body]) + eol


def quoted(value):
    """A CSV field that may hold commas, quotes and newlines."""
    return '"' + value.replace('"', '""') + '"'


HEADER = ["x1", "x2", "label"]
PLAIN = table(HEADER, rows())


def _huge():
    body = rows()
    body[3][0] = "1e308"     # finite for Python, inf in float32
    body[4][1] = "-1e308"
    return table(HEADER, body)


def _inf_nan():
    body = rows()
    body[2][0], body[5][1], body[7][0] = "inf", "nan", "-Infinity"
    return table(HEADER, body)


def _constant():
    body = [[v[0], "7", v[2]] for v in rows()]
    return table(HEADER, body)


def _wide():
    header = [f"c{k}" for k in range(499)] + ["label"]
    body = [[str((i * k) % 10) for k in range(499)] + [str(i % 2)] for i in range(12)]
    return table(header, body)


def _comma_decimals():
    body = [[a.replace(".", ","), b.replace(".", ","), y] for a, b, y in rows()]
    return table(HEADER, body, sep=";")


def _zero_and_zero_point_zero():
    body = rows()
    for k, line in enumerate(body):
        if line[2] == "0" and k % 4 == 0:
            line[2] = "0.0"  # the same class, written as a float by another tool
    return table(HEADER, body)


def _markup_columns():
    header = [BOLD, LINK, LATEX, HTML, "label"]
    return table(header, rows(features=4))


def _newline_column():
    return table(["x1", quoted(HEADING), "label"], rows())


def _markup_cell():
    body = rows()
    body[4][1] = LINK
    return table(HEADER, body)


def _junk():
    rng = random.Random(9)
    return bytes(rng.randrange(256) for _ in range(2000))


CORPUS_LIST = [
    CsvFile("plain.csv", PLAIN.encode(), True, 2, "a baseline that must work"),
    CsvFile("bom.csv", b"\xef\xbb\xbf" + PLAIN.encode(), True, 2, "Excel's 'CSV UTF-8'"),
    CsvFile("crlf.csv", table(HEADER, rows(), eol="\r\n").encode(), True, 2, "Windows line ends"),
    CsvFile("semicolons.csv", table(HEADER, rows(), sep=";").encode(), True, 2,
            "a spreadsheet in a comma-decimal locale"),
    CsvFile("comma-decimals.csv", _comma_decimals().encode(), None, 2, "1,5 for 1.5"),
    CsvFile("quoted.csv", table(HEADER, rows(), quote=True).encode(), True, 2,
            "every field quoted, numbers too"),
    CsvFile("yes-no.csv", table(HEADER, rows(("no", "yes"))).encode(), True, 2, "yes/no labels"),
    CsvFile("minus-plus-one.csv", table(HEADER, rows(("-1", "+1"))).encode(), True, 2,
            "−1/+1 labels, as SVM people write them"),
    CsvFile("zero-and-0.0.csv", _zero_and_zero_point_zero().encode(), True, 2,
            "labels 0 and 0.0: one class"),
    CsvFile("huge.csv", _huge().encode(), None, 2, "1e308: float64 yes, float32 no"),
    CsvFile("inf-nan.csv", _inf_nan().encode(), False, None, "inf, nan, -Infinity as text"),
    CsvFile("constant.csv", _constant().encode(), True, 2, "a constant column"),
    CsvFile("one-row.csv", table(HEADER, rows(n=1)).encode(), False, None, "one data row"),
    CsvFile("wide.csv", _wide().encode(), False, None, "500 columns"),
    CsvFile("utf16.csv", PLAIN.encode("utf-16"), None, 2, "UTF-16 with its BOM"),
    CsvFile("junk.csv", _junk(), False, None, "binary junk"),
    CsvFile("three-classes.csv", table(HEADER, rows(("a", "b", "c"))).encode(), True, 3,
            "three classes: softmax only"),
    CsvFile("markup-columns.csv", _markup_columns().encode(), True, 2,
            "Markdown, LaTeX and HTML in column names"),
    CsvFile("newline-column.csv", _newline_column().encode(), None, 2,
            "a line break, then a Markdown heading, in a column name"),
    CsvFile("markup-classes.csv", table(HEADER, rows((LINK, LATEX))).encode(), True, 2,
            "a link and LaTeX as class names"),
    CsvFile("markup-classes4.csv",
            table(HEADER, rows((BOLD, LINK, LATEX, HTML), n=32)).encode(), True, 4,
            "four classes named in Markdown, LaTeX and HTML"),
    CsvFile("newline-class.csv", table(HEADER, rows(("a", quoted(HEADING)))).encode(), None, 2,
            "a line break, then a Markdown heading, in a class name"),
    CsvFile("markup-cell.csv", _markup_cell().encode(), False, None, "a link in a number cell"),
    CsvFile(f"{LATEX} {BOLD}.csv", PLAIN.encode(), True, 2, "LaTeX and bold in the file name"),
]
CORPUS = {f.name: f for f in CORPUS_LIST}
