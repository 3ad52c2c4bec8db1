"""Exported scripts run on their own and print the lab's numbers; curves and parameters export."""
import ast
import csv
import io
import os
import subprocess
import sys

import pytest
import torch
from torch import nn

from lab.config import RunConfig
from lab.data import bundled, load, standardized
from lab.data.csvdata import csv_dataset
from lab.data.dataset import features, z_scored
from lab.data.imagefiles import as_tensors, resolve_data_dir
from lab.data.vision import keep_two_classes
from lab.export import export_script, metrics_csv, save_params
from lab.source import source_of
from lab.train import EpochEnd, Run, train, train_one_batch
from tests.test_csvdata import write_csv
from tests.test_vision import write_idx

STEPS = ("# 1. Prepare the dataset", "# 2. Design the model",
         "# 3. Construct loss and optimizer", "# 4. Training cycle")


def lab_numbers(config, data):
    """(train_loss, test_loss, train_acc) per epoch, as lab.train computes them."""
    run = Run(config, data)
    impl = "manual" if config.impl == "both" else config.impl
    return [(e.metrics[impl].train_loss, e.metrics[impl].test_loss, e.metrics[impl].train_acc)
            for e in train(run, config.num_epochs) if isinstance(e, EpochEnd)]


def script_numbers(script, tmp_path, env=None):
    """Run the script alone (no lab on the path) and parse its per-epoch lines."""
    path = tmp_path / "run.py"
    path.write_text(script, encoding="utf-8")
    env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = []
    for line in out.stdout.splitlines():
        words = line.split()
        row = dict(zip(words[::2], words[1::2]))
        rows.append(tuple(float(row[k]) if k in row else None
                          for k in ("train_loss", "test_loss", "train_acc")))
    return rows


def assert_same_numbers(expected, got):
    assert len(got) == len(expected) > 0
    for want, have in zip(expected, got):
        for a, b in zip(want, have):
            assert (a is None) == (b is None)
            if a is not None:
                assert b == pytest.approx(a, abs=1e-5)


def imported_modules(script):
    names = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module.split(".")[0])
    return names


CASES = [
    RunConfig(model="logistic", dataset="synthetic", impl="manual", lr=0.1, batch_size=64,
              num_epochs=4),
    RunConfig(model="logistic", dataset="synthetic", impl="nn", lr=0.1, batch_size=64,
              num_epochs=4),
    RunConfig(model="softmax", dataset="digits", impl="manual", lr=0.1, batch_size=256,
              num_epochs=3),
    RunConfig(model="softmax", dataset="digits", impl="nn", lr=0.1, batch_size=64, num_epochs=3,
              init="normal", standardize=True),
    RunConfig(model="linear", dataset="hours-points", impl="manual", lr=0.01, batch_size=1,
              num_epochs=30),
    RunConfig(model="linear", dataset="hours-points", impl="nn", lr=0.01, batch_size=64,
              num_epochs=30, reduction="sum", init="zeros"),
    RunConfig(model="logistic", dataset="hours", impl="both", lr=0.01, batch_size=10,
              num_epochs=100, reduction="sum"),
    RunConfig(model="logistic", dataset="iris", impl="manual", lr=0.001, batch_size=16,
              num_epochs=5, init="normal"),
    RunConfig(model="softmax", dataset="iris3", impl="nn", lr=0.1, batch_size=16, num_epochs=5,
              init="zeros", reduction="sum", standardize=True),
    RunConfig(model="softmax", dataset="breast-cancer", impl="manual", lr=0.1, batch_size=32,
              num_epochs=3, standardize=True),              # two classes: k = 2
    RunConfig(model="softmax", dataset="hours", impl="nn", lr=0.1, batch_size=4,
              num_epochs=3),                                # two classes, no test split
]


@pytest.mark.parametrize("config", CASES, ids=lambda c: f"{c.model}-{c.dataset}-{c.impl}")
def test_exported_script_prints_the_labs_losses(config, tmp_path):
    script = export_script(config)
    assert imported_modules(script) <= {"math", "torch", "sklearn"}
    assert all(step in script for step in STEPS)
    expected = lab_numbers(config, load(config.dataset, seed=config.seed,
                                        standardize=config.standardize))
    assert_same_numbers(expected, script_numbers(script, tmp_path))


@pytest.mark.parametrize("model, dataset", [("softmax", "mnist"), ("logistic", "mnist-0v1")])
def test_image_sets_are_fetched_by_the_script_through_torchvision(model, dataset, tmp_path):
    """Tiny IDX files stand in for MNIST: torchvision finds them and downloads nothing."""
    root = tmp_path / "data"
    write_idx(root, "MNIST")
    config = RunConfig(model=model, dataset=dataset, impl="nn", lr=0.1, batch_size=8,
                       num_epochs=3)
    script = export_script(config)
    assert "datasets.MNIST(DATA_DIR, train=True, download=True)" in script
    expected = lab_numbers(config, load(dataset, data_dir=root))
    assert_same_numbers(expected, script_numbers(script, tmp_path, {"LAB_DATA_DIR": str(root)}))


@pytest.mark.parametrize("model, impl, classes", [
    ("logistic", "manual", ("yes", "no")),
    ("softmax", "nn", ("yes", "no")),        # two classes: softmax with k = 2
    ("softmax", "manual", ("a", "b", "c")),
])
def test_a_csv_run_reads_the_same_file(tmp_path, model, impl, classes):
    path = write_csv(tmp_path / "people.csv", classes=classes, rows=40, label_first=True)
    config = RunConfig(model=model, dataset=f"csv:{path}", impl=impl, lr=0.5,
                       batch_size=8, num_epochs=4)
    script = export_script(config, label="label")
    assert imported_modules(script) <= {"math", "torch", "csv"}
    expected = lab_numbers(config, load(config.dataset, label="label"))
    assert_same_numbers(expected, script_numbers(script, tmp_path))


def test_the_script_reads_top_to_bottom_and_compiles():
    script = export_script(RunConfig(model="logistic", dataset="synthetic", impl="manual"))
    compile(script, "exported.py", "exec")
    positions = [script.index(step) for step in STEPS]
    assert positions == sorted(positions)
    assert "class BinaryCrossEntropy" in script  # the hand-written functions, inlined
    assert "python -m lab train --model logistic --dataset synthetic" in script


def small_run(impl="both", epochs=3):
    config = RunConfig(model="logistic", dataset="iris", impl=impl, lr=0.1, batch_size=16,
                       num_epochs=epochs)
    run = Run(config, load("iris"))
    for _ in train(run, epochs):
        pass
    return run


def test_metrics_csv_has_a_row_per_epoch_and_twin():
    run = small_run()
    rows = list(csv.DictReader(io.StringIO(metrics_csv(run.history))))
    assert len(rows) == 6
    assert list(rows[0]) == ["impl", "epoch", "train_loss", "train_acc", "test_loss", "test_acc"]
    last = run.history.latest.metrics["nn"]
    nn_rows = [r for r in rows if r["impl"] == "nn"]
    assert float(nn_rows[-1]["train_loss"]) == last.train_loss  # repr: every digit kept
    assert nn_rows[-1]["epoch"] == "3"


def test_metrics_csv_leaves_missing_numbers_empty():
    config = RunConfig(model="linear", dataset="hours-points", impl="nn", num_epochs=2)
    run = Run(config, load("hours-points"))
    for _ in train(run, 2):
        pass
    rows = list(csv.DictReader(io.StringIO(metrics_csv(run.history))))
    assert rows[0]["train_acc"] == rows[0]["test_loss"] == ""


def test_saved_parameters_load_into_nn_linear(tmp_path):
    run = small_run()
    save_params(run, tmp_path / "params.pt")
    saved = torch.load(tmp_path / "params.pt", weights_only=True)
    assert set(saved) == {"manual", "nn"}
    layer = nn.Linear(4, 1)
    layer.load_state_dict(saved["nn"])
    assert torch.equal(layer.weight.detach(), run.params("nn")["weight"])
    buffer = io.BytesIO()  # a page downloads bytes
    save_params(run, buffer)
    assert buffer.getvalue()[:2] == b"PK"  # torch.save's zip format


@pytest.mark.parametrize("model, classes, standardize", [
    ("logistic", ("no", "yes"), True),
    ("softmax", ("a", "b", "c"), False),
])
def test_an_uploaded_csv_run_carries_its_rows(tmp_path, model, classes, standardize):
    """An upload has no file on the server: the script holds the rows the run used."""
    raw = write_csv(tmp_path / "upload.csv", classes=classes, rows=40).read_bytes()
    data = csv_dataset(raw, "upload.csv", seed=3)
    data = standardized(data) if standardize else data
    config = RunConfig(model=model, dataset=data.name, impl="nn", lr=0.5, batch_size=8,
                       num_epochs=4, seed=3, standardize=standardize)
    script = export_script(config, data=data)
    (tmp_path / "upload.csv").unlink()  # the script must not need it
    assert "csv" not in imported_modules(script)
    assert_same_numbers(lab_numbers(config, data), script_numbers(script, tmp_path))


def trained_with_lr_changes(config):
    """A run whose lr changed between Trains and mid-epoch, as the page changes it."""
    data = load(config.dataset, seed=config.seed, standardize=config.standardize)
    run = Run(config, data)
    for _ in train(run, 2):                       # Train: 2 epochs
        pass
    run.set_lr(config.lr * 5)                     # the slider moved, then Step ×2
    for _ in range(2):
        train_one_batch(run)
    run.set_lr(config.lr / 2)                     # moved again mid-epoch, then Train
    for _ in train(run, run.epoch + 3):           # "that many more": to epoch 5
        pass
    return run


@pytest.mark.parametrize("config", [
    RunConfig(model="logistic", dataset="iris", impl="manual", lr=0.01, batch_size=16,
              num_epochs=2),
    RunConfig(model="softmax", dataset="iris3", impl="nn", lr=0.05, batch_size=16,
              num_epochs=2, standardize=True),
    RunConfig(model="linear", dataset="hours-points", impl="both", lr=0.01, batch_size=1,
              num_epochs=2),
], ids=lambda c: f"{c.model}-{c.impl}")
def test_a_run_whose_lr_changed_is_replayed_update_by_update(config, tmp_path):
    run = trained_with_lr_changes(config)
    assert [lr for _, lr in run.schedule] == [config.lr, config.lr * 5, config.lr / 2]
    impl = "manual" if config.impl == "both" else config.impl
    epochs, cols = run.history.series(impl)
    expected = list(zip(cols["train_loss"], cols["test_loss"], cols["train_acc"]))
    assert epochs == [1, 2, 3, 4, 5] and run.config.num_epochs == 2
    script = export_script(run.config.with_(num_epochs=run.epoch), schedule=run.schedule)
    assert "LR_SCHEDULE = [(0, " in script
    assert_same_numbers(expected, script_numbers(script, tmp_path))


def test_one_learning_rate_is_a_plain_lr_setting():
    config = RunConfig(model="logistic", dataset="iris", impl="nn", lr=0.5)
    script = export_script(config, schedule=[(0, 0.25)])   # the schedule's lr counts
    assert "\nLR = 0.25\n" in script and "LR_SCHEDULE" not in script
    assert export_script(config, schedule=[(0, 0.5)]) == export_script(config)


def test_the_script_copies_the_labs_own_data_code():
    """The generator, each scikit-learn split and the scaling are the lab's functions,
    copied as they are: the script cannot drift from the code that runs."""
    script = export_script(RunConfig(dataset="synthetic", standardize=True))
    for function in (bundled.make_synthetic, features, z_scored):
        assert source_of(function).strip() in script
    for name, (loader, split) in bundled.SCIKIT_LEARN.items():
        script = export_script(RunConfig(model="softmax", dataset=name))
        assert source_of(split).strip() in script
        assert f"from sklearn.datasets import {loader}\n" in script
    script = export_script(RunConfig(dataset="mnist-0v1"))
    for function in (resolve_data_dir, as_tensors, keep_two_classes):
        assert source_of(function).strip() in script
