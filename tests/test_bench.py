"""The benchmark runs end to end on a small size. Not a timing test: only that it measures."""
import json

import pytest

from lab import bench
from lab.bench_loops import bench_loops
from lab.cli import main

KEYS = {"seed_pipeline_epoch_s", "nn_epoch_s", "manual_epoch_s", "bare_epoch_s", "speedup",
        "manual_over_nn", "bare_speedup"}


@pytest.mark.parametrize("num_samples", [600, 2000])
def test_bench_returns_every_figure(num_samples):
    result = bench.bench(num_samples=num_samples, repeats=1)
    assert set(result) == KEYS
    assert all(isinstance(v, float) and v > 0 for v in result.values())


def test_course_pipeline_yields_the_course_batches():
    X, y = bench.random_images(300)
    data, labels = next(iter(bench.course_loader(X, y)))
    assert data.shape == (256, 1, 28, 28) and labels.shape == (256,)
    assert 0.0 <= data.min() and data.max() <= 1.0      # ToTensor scaled the pixels


def test_the_bare_loop_is_timed_epoch_by_epoch():
    X, y = bench.random_images(600)
    seconds = bench.time_bare(X, y, repeats=2)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)


def test_lab_epochs_are_timed_one_by_one():
    X, y = bench.random_images(512)
    seconds = bench.time_lab(X, y, "manual", repeats=2)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)


def test_cli_prints_one_json_object(capsys):
    assert main(["bench", "--samples", "600", "--repeats", "1", "--json", "--softmax-only"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and set(json.loads(out[0])) == KEYS


def test_cli_table_and_bad_arguments(capsys):
    assert main(["bench", "--samples", "600", "--repeats", "1", "--wall", "--softmax-only"]) == 0
    assert "speedup" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="--samples"):
        main(["bench", "--samples", "10"])


def test_the_small_runs_are_timed_against_the_course_loops():
    loops = bench_loops(repeats=1)
    assert set(loops) == {"C1-notes", "C3-nn"}
    for figures in loops.values():
        assert all(figures[k] > 0 for k in ("course_s", "nn_s", "manual_s"))
        ratio = figures["nn_s"] / figures["course_s"]  # of the rounded seconds: ±0.01
        assert abs(figures["nn_over_course"] - ratio) <= 0.011
    assert loops["C1-notes"]["tensors_s"] > 0 and "manual_over_tensors" in loops["C1-notes"]
    assert loops["C1-notes"]["hand_s"] > 0 and "manual_over_hand" in loops["C1-notes"]
