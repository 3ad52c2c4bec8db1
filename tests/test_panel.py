"""The panel's pure parts: which data a run was made from, and the status line."""
from dataclasses import replace

from lab.config import RunConfig
from lab.data import load
from lab.train import Diverged, Run
from ui.panel import PanelState, data_key, status_line


def test_the_same_data_loaded_again_is_the_same_data():
    """A cache that evicts and reloads a set gives a new object, not new data: a trained
    run must not look 'changed' (and be thrown away by the next Step) because of it."""
    assert data_key(load("iris", seed=0)) == data_key(load("iris", seed=0))
    upload = replace(load("iris"), name="csv:mine.csv", source="a1")
    assert data_key(upload) != data_key(replace(upload, source="b2"))  # another file


def test_a_run_that_diverged_at_its_first_update_says_so():
    run = Run(RunConfig(dataset="hours"), load("hours"))
    run.diverged = Diverged(1, 1, "manual", float("inf"), "overflow", float("inf"), 0.01,
                            "mean", False)  # the update was undone: still epoch 0, batch 0
    assert status_line(PanelState(run=run), 10) == "**Epoch 0** · stopped: diverged"
