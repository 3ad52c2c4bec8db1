"""What users name things is data: a hostile name in a Dataset never runs in an exported
script, and the script still reproduces the run. The Datasets here are built by hand,
past the CSV loader's checks, as any other code could build them."""
import ast
import csv
import io
import tokenize

import pytest
import torch

from lab.config import RunConfig
from lab.data import Dataset, load
from lab.data.csvdata import csv_dataset
from lab.export import export_script
from tests.test_csvdata import write_csv
from tests.test_export import assert_same_numbers, lab_numbers, script_numbers


def payload(tag):
    """Code that leaves a file named PWNED-tag behind if it ever runs."""
    return f"__import__('pathlib').Path('PWNED-{tag}').touch()"


# Each closes what a careless writer might have put the name in, then runs the payload.
BREAKOUTS = {
    "comment": lambda tag: f"a\n{payload(tag)} #",
    "carriage-return": lambda tag: f"a\r{payload(tag)} #",
    "docstring": lambda tag: f'a"""\n{payload(tag)}\n"""',
    "single-quoted": lambda tag: f"a'''\n{payload(tag)}\n'''",
    "string": lambda tag: f"a'; {payload(tag)}; '\\",
    "unprintable": lambda tag: f"a\x00\u202e\u2028\x1b[31m{payload(tag)}",
}
FIELDS = ("name", "feature", "class", "description")


def hostile_dataset(breakout, num_classes):
    """A Dataset whose file name, feature names, class names and description all break out."""
    bad = BREAKOUTS[breakout]
    g = torch.Generator().manual_seed(0)
    X = torch.randn(60, 3, generator=g)                                        # (n, 3)
    y = torch.arange(60) % num_classes
    X = X + y.reshape(-1, 1)                                                   # learnable
    y = y.float() if num_classes == 2 else y
    return Dataset(f"csv:{bad('name')}.csv", "binary" if num_classes == 2 else "multiclass",
                   X[:45], y[:45], X[45:], y[45:], [bad(f"feature{k}") for k in range(3)],
                   [bad(f"class{c}") for c in range(num_classes)],
                   description=bad("description"))


def user_strings(data):
    return [data.name, *data.feature_names, *data.class_names]


def assert_only_in_plain_strings(script, text):
    """`text` appears in no comment, name or f-string, and not in the module docstring."""
    tokens = list(tokenize.generate_tokens(io.StringIO(script).readline))
    docstring = next(t for t in tokens if t.type == tokenize.STRING)
    for t in tokens:
        if text in t.string:
            assert t.type == tokenize.STRING and t is not docstring, (t, script[:400])
            assert not t.string.lstrip("rbuRBU").startswith(("f", "F")), t


@pytest.mark.parametrize("model, num_classes", [("logistic", 2), ("softmax", 4)])
@pytest.mark.parametrize("breakout", BREAKOUTS)
def test_hostile_names_are_written_as_data_and_never_run(breakout, model, num_classes,
                                                         tmp_path):
    data = hostile_dataset(breakout, num_classes)
    config = RunConfig(model=model, dataset=data.name, impl="nn", lr=0.5, batch_size=8,
                       num_epochs=3)
    script = export_script(config, data=data)
    compile(script, "exported.py", "exec")
    constants = {node.value for node in ast.walk(ast.parse(script))
                 if isinstance(node, ast.Constant)}
    assert set(user_strings(data)) <= constants  # each written whole, as a literal
    for field in FIELDS:
        assert_only_in_plain_strings(script, f"PWNED-{field}")
    assert_same_numbers(lab_numbers(config, data), script_numbers(script, tmp_path))
    assert not list(tmp_path.glob("PWNED*"))


def test_a_csv_file_with_hostile_names_is_read_as_data(tmp_path):
    """csv:PATH: the script reads the file itself; its path and label column are literals."""
    clean = write_csv(tmp_path / "clean.csv", label_first=True)
    label = BREAKOUTS["docstring"]("label")
    quoted = label.replace('"', '""')  # as CSV writes a quote inside a quoted value
    text = clean.read_text().replace("label,", f'"{quoted}",', 1)
    path = tmp_path / f"{BREAKOUTS['comment']('path')}.csv"  # Linux allows a newline
    path.write_text(text, encoding="utf-8")
    config = RunConfig(dataset=f"csv:{path}", impl="manual", lr=0.5, batch_size=8,
                       num_epochs=3)
    script = export_script(config, label=label)
    assert_only_in_plain_strings(script, "PWNED-path")
    assert_only_in_plain_strings(script, "PWNED-label")
    expected = lab_numbers(config.with_(dataset=f"csv:{clean}"),
                           load(f"csv:{clean}", label="label"))
    assert_same_numbers(expected, script_numbers(script, tmp_path))
    assert not list(tmp_path.glob("PWNED*"))


# One-line names the CSV loader accepts (no line break, no control character), each
# made to close a docstring, a string, an f-string's braces or a $template field.
ONE_LINE = [f'x"""; {payload("h1")}; """', f"y'''; {payload('h2')}; '''",
            f"{{{payload('h3')}}}", "$dataset \\N{oops} \\"]


def test_an_upload_with_names_the_loader_accepts_exports_them_as_data(tmp_path):
    """The path a user takes: a CSV file, csv_dataset, the exported script, run."""
    g = torch.Generator().manual_seed(0)
    classes = [f'no"""; {payload("c1")}; """', f"{{{payload('c2')}}}"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*ONE_LINE, f"kind'; {payload('label')}; '"])
    for i in range(40):
        writer.writerow([f"{i % 2 + torch.randn(1, generator=g).item():.4f}"] * 4
                        + [classes[i % 2]])
    data = csv_dataset(out.getvalue().encode(), f'up"""; {payload("file")}; """.csv', seed=0)
    config = RunConfig(model="logistic", dataset=data.name, impl="manual", lr=0.5,
                       batch_size=8, num_epochs=3)
    script = export_script(config, data=data)
    assert set(user_strings(data)) <= {node.value for node in ast.walk(ast.parse(script))
                                       if isinstance(node, ast.Constant)}
    for tag in ("h1", "h2", "h3", "c1", "c2", "label", "file"):
        assert_only_in_plain_strings(script, f"PWNED-{tag}")
    assert_same_numbers(lab_numbers(config, data), script_numbers(script, tmp_path))
    assert not list(tmp_path.glob("PWNED*"))
