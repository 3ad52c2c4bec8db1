"""Every preset on the home page opens its page, trains, and reaches the result it promises.

The links are opened as a browser would open them: the query parameters of the
home page's link (all settings and train=1) on the preset's page.
"""
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from lab.models.linear import predict
from ui.presets import PRESETS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 600  # seconds: C1-notes trains 10 000 epochs, ~20 s alone, minutes on a busy box


def crossing(run):
    p = run.params(run.config.impl)
    return -p["bias"].item() / p["weight"].item()


def metrics(run):
    return run.history.latest.metrics[run.config.impl]


def first_metrics(run):
    return run.history.rows[run.config.impl]


def check_c2(run):
    start, end = first_metrics(run)["train_loss"][0], metrics(run)
    assert end.train_loss < start
    assert end.train_acc >= 0.9 and end.test_acc >= 0.9   # measured: 1.0 and 1.0


# What each preset's `expect` promises, as numbers (measured values in the comments).
CHECKS = {
    "C1-slides": lambda run: 2.4 < crossing(run) < 2.45,           # 2.419 h
    "C1-notes": lambda run: 2.4 < crossing(run) < 2.45,            # 2.424 h
    "C2": check_c2,
    "C3-manual": lambda run: metrics(run).test_acc >= 0.95,        # 0.964
    "C3-nn": lambda run: metrics(run).test_acc >= 0.98,            # 0.985
    "C6-nn": lambda run: abs(predict(run.models["nn"], 4) - 8) < 0.05,        # 7.9994
    "C6-manual": lambda run: abs(predict(run.models["manual"], 4) - 7.59) < 0.01,  # 7.5869
    "C4": lambda run: metrics(run).test_acc >= 0.93,                # 0.936 (digits)
}


def home():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_link(page, params):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(page).run()
    if params.get("train") == "1":
        at.run()  # the browser's timed rerun that starts training (see ui/panel.py)
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_preset_has_a_check_and_a_link_on_the_home_page():
    assert sorted(CHECKS) == sorted(p.key for p in PRESETS)
    links = [link.proto for link in home().get("page_link")
             if link.proto.label == "**Open and train**"]
    assert [dict(parse_qsl(link.query_string)) for link in links] == \
        [p.query_params() for p in PRESETS]
    assert [link.page for link in links] == [Path(p.page).stem for p in PRESETS]
    assert all(p.query_params()["train"] == "1" for p in PRESETS)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_the_preset_link_trains_to_its_promised_result(preset):
    at = open_link(preset.page, preset.query_params())
    assert not at.warning and not at.error   # every setting was valid, nothing diverged
    run = at.session_state[f"{Path(preset.page).stem}.panel"].run
    assert run.config == preset.config
    assert run.epoch == preset.config.num_epochs
    assert "train" not in at.query_params
    result = CHECKS[preset.key](run)
    assert result is None or result
