"""The command line contract other tools rely on."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lab(*args):
    return subprocess.run([sys.executable, "-m", "lab", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_c1_json_lines_contract():
    out = lab("train", "--model", "logistic", "--dataset", "hours", "--impl", "both",
              "--lr", "0.01", "--batch-size", "10", "--epochs", "1000", "--seed", "0",
              "--reduction", "sum", "--json")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    epochs, final = lines[:-1], lines[-1]
    assert len(epochs) == 2000
    assert set(epochs[0]) == {"impl", "epoch", "train_loss", "train_acc", "test_loss", "test_acc"}
    assert epochs[0]["epoch"] == 1 and epochs[-1]["epoch"] == 1000
    assert {e["impl"] for e in epochs} == {"manual", "nn"}
    assert epochs[-1]["test_loss"] is None and epochs[-1]["test_acc"] is None
    assert final["done"] is True and final["max_param_gap"] < 1e-4 and final["seconds"] > 0
    w = final["params"]["nn"]["weight"][0][0]
    b = final["params"]["nn"]["bias"][0]
    assert 2 < -b / w < 3


def test_single_impl_has_null_gap_and_test_values():
    out = lab("train", "--dataset", "iris", "--impl", "nn", "--lr", "0.1", "--batch-size", "16",
              "--epochs", "3", "--json", "--standardize", "--init", "zeros")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["epoch"] for r in lines[:-1]] == [1, 2, 3]
    assert lines[0]["test_acc"] is not None
    assert lines[-1]["max_param_gap"] is None and list(lines[-1]["params"]) == ["nn"]


@pytest.mark.parametrize("args, message", [
    (["--dataset", "nope"], "unknown dataset"),
    (["--lr", "-1"], "learning rate"),
    (["--lr", "nan"], "learning rate"),
    (["--batch-size", "0"], "batch size"),
    (["--epochs", "0"], "epochs"),
    (["--seed", "-5"], "seed"),
    (["--seed", "99999999999999"], "seed"),
    (["--epochs", "many"], "invalid int"),
    (["--impl", "magic"], "invalid choice"),
])
def test_invalid_arguments_exit_non_zero_with_one_line(args, message):
    out = lab("train", *args)
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
