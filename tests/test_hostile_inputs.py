"""Bad input everywhere: the command line and the page's links, fed what a hostile or
careless user would type. Each gets a one-line message (CLI), a notice or a clamp (page),
never a traceback; a session's earlier run survives a tampered link; a training run that
raises is reported and the session goes on. Also: the production config is production's.
"""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from lab.train import Step
from tests.pages import shown
from ui import datasets as shared  # the process-wide dataset cache
from ui.controls import FULL_BATCH
from ui.panel import STEP_ROWS_KEPT, few_rows

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
HUGE = str(2**70)
LONG = "x" * 20_000

# -- the command line ---------------------------------------------------------------

# (arguments, "reject" with a message containing this text | "ok": a sane clamp, trains)
CLI_CASES = [
    (["--lr", "0"], "learning rate"),
    (["--lr", "-0.5"], "learning rate"),
    (["--lr", "1e6"], "learning rate"),
    (["--lr", "1e-9"], "learning rate"),
    (["--lr", "nan"], "learning rate"),
    (["--lr", "inf"], "learning rate"),
    (["--lr", "abc"], "invalid float value"),
    (["--batch-size", "0"], "batch size"),
    (["--batch-size", "-3"], "batch size"),
    (["--batch-size", "1", "--epochs", "2"], "ok"),              # one example per update
    (["--batch-size", "1000000", "--epochs", "2"], "ok"),        # larger than the data: full batch
    (["--batch-size", HUGE, "--epochs", "2"], "ok"),             # 2**70: still full batch
    (["--epochs", "0"], "epochs"),
    (["--epochs", "-1"], "epochs"),
    (["--epochs", "1e9"], "invalid int value"),
    (["--epochs", "1000000000"], "epochs"),
    (["--seed", "-1"], "seed"),
    (["--seed", HUGE], "seed"),
    (["--dataset", "../../x"], "unknown dataset"),
    (["--dataset", "csv:/etc/passwd"], "error: "),                # read, and refused as data
    (["--dataset", LONG], "unknown dataset"),
    (["--impl", "<script>"], "invalid choice"),
    (["--init", "evil"], "invalid choice"),
    (["--reduction", "max"], "invalid choice"),
    (["--model", "logistic", "--dataset", "digits", "--epochs", "1"], "cannot learn"),
    (["--model", "softmax", "--epochs", "2"], "ok"),           # hours: softmax with k = 2
    (["--model", "nope"], "invalid choice"),
    (["--bogus", "1"], "unrecognized arguments"),
    ([], "ok"),
]

# Runs every case through lab.cli.main in one interpreter (one torch import, not 28),
# exactly as `python -m lab` calls it; records what a user would see.
DRIVER = r"""
import json, sys, traceback
from lab.cli import main
cases, results = json.loads(sys.stdin.read()), []
for args in cases:
    code, message = 0, ""
    try:
        code = main(["train", *args, "--json"]) or 0
    except SystemExit as exc:  # what Python prints for it: the message, exit status 1
        code, message = (1, str(exc.code)) if isinstance(exc.code, str) else (exc.code, "")
    except BaseException:
        code, message = "traceback", traceback.format_exc()
    results.append({"code": code, "message": message})
with open(sys.argv[1], "w") as f:
    json.dump(results, f)
"""


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    cases = [args for args, _ in CLI_CASES]
    results = tmp_path_factory.mktemp("cli") / "results.json"
    out = subprocess.run([sys.executable, "-c", DRIVER, str(results)], cwd=ROOT,
                         input=json.dumps(cases), capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return dict(zip(map(tuple, cases), json.loads(results.read_text())))


@pytest.mark.parametrize("args, expect", CLI_CASES, ids=[" ".join(a)[:40] or "defaults"
                                                         for a, _ in CLI_CASES])
def test_cli_rejects_with_one_line_or_clamps(cli_results, args, expect):
    result = cli_results[tuple(args)]
    assert result["code"] != "traceback", result["message"]
    if expect == "ok":
        assert result["code"] == 0, result["message"]
    else:
        assert result["code"] != 0
        assert result["message"].startswith("error: ") and expect in result["message"]
        assert "\n" not in result["message"].strip() and "Traceback" not in result["message"]
        assert len(result["message"]) < 400  # a 20 000-character value is not echoed whole


@pytest.mark.parametrize("args", [["--lr", "nan"], ["--seed", HUGE], ["--impl", "<script>"],
                                  ["--batch-size", HUGE, "--epochs", "2"]])
def test_cli_as_a_process_exits_non_zero_with_one_line_or_trains(args):
    """The same through a real `python -m lab` process: its exit code, stdout and stderr."""
    out = subprocess.run([sys.executable, "-m", "lab", "train", *args, "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    if args[0] == "--batch-size":  # the clamp: full batch, two epochs, done
        assert out.returncode == 0 and out.stderr == ""
        assert json.loads(out.stdout.splitlines()[-1])["done"] is True
        assert len(out.stdout.splitlines()) == 3
    else:
        assert out.returncode != 0 and out.stdout == ""
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


# -- the page, through its links ------------------------------------------------------

# (query parameters, what must happen): "notice" = a warning naming the setting;
# a dict = the settings it clamps or sets to (and no notice).
PAGE_CASES = [
    ({"lr": "abc"}, "notice"),
    ({"lr": "0"}, "notice"),
    ({"lr": "-1"}, "notice"),
    ({"lr": "nan"}, "notice"),
    ({"lr": "inf"}, "notice"),
    ({"lr": "1e6"}, {"lr": 10.0}),                 # the nearest slider value
    ({"lr": "1e-300"}, {"lr": 1e-4}),
    ({"lr": ["0.1", "abc"]}, "notice"),            # a repeated key: the last one counts
    ({"batch_size": "0"}, "notice"),
    ({"batch_size": "-3"}, "notice"),
    ({"batch_size": "1e6"}, "notice"),             # not an integer
    ({"batch_size": "1"}, {"batch_size": 1}),
    ({"batch_size": HUGE}, {"batch_size": 1 << 20}),  # larger than the data: full batch
    ({"num_epochs": "0"}, "notice"),
    ({"num_epochs": "-5"}, "notice"),
    ({"num_epochs": "1e9"}, "notice"),
    ({"num_epochs": "1000000000"}, "notice"),
    ({"seed": "-1"}, "notice"),
    ({"seed": HUGE}, "notice"),
    ({"dataset": "../../x"}, "notice"),
    ({"dataset": "digits"}, "notice"),             # a real dataset, not for this page
    ({"impl": "<script>alert(1)</script>"}, "notice"),
    ({"init": "evil"}, "notice"),
    ({"reduction": "max"}, "notice"),
    ({"standardize": "maybe"}, "notice"),
    ({"dataset": LONG}, "notice"),
    ({"lr": "1" * 5000}, "notice"),                # parses as inf
    ({"seed": "9" * 5000}, "notice"),              # beyond int()'s 4300-digit limit
    ({"foo": "bar", "__proto__": "1", LONG: "y"}, {}),  # unknown keys: ignored
    ({"train": "yes"}, {}),                        # only train=1 starts training
]


def panel(at):
    return at.session_state["logistic.panel"]


@pytest.fixture(scope="module")
def trained():
    """One session with a finished 5-epoch run; every tampered link is opened in it."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/logistic.py").run()
    at.number_input(key="logistic.num_epochs").set_value(5).run()
    at.button(key="logistic.train").click().run()
    assert not at.exception
    run = panel(at).run
    assert run.epoch == 5
    return at, run, len(run.history), {k: v.clone() for k, v in run.params("manual").items()}


@pytest.mark.parametrize("params, expect", PAGE_CASES,
                         ids=[repr(p)[:40] for p, _ in PAGE_CASES])
def test_a_tampered_link_gets_a_notice_or_a_clamp_and_the_run_survives(trained, params, expect):
    at, run, epochs, before = trained
    at.query_params.clear()
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    notices = " ".join(shown(w.value) for w in at.warning)
    if expect == "notice":
        for name in params:
            assert name in notices
        assert len(notices) < 1000  # a long value is cut short, not echoed whole
    else:
        assert "not valid" not in notices
        for name, value in expect.items():
            assert at.session_state[f"logistic.{name}"] == value
    state = panel(at)
    assert state.run is run and run.epoch == 5 and len(run.history) == epochs
    assert not state.running
    for k, v in run.params("manual").items():
        assert torch.equal(v, before[k])
    assert set(at.query_params) <= {"dataset", "impl", "lr", "batch_size", "num_epochs", "seed",
                                    "init", "reduction", "standardize"}


@pytest.mark.parametrize("params", [
    {"lr": "abc", "num_epochs": "1e9", "dataset": "iris", "batch_size": "16"},
    {"dataset": "nope"},  # used to train the default dataset, as if it had been asked for
])
def test_a_tampered_link_with_train_starts_nothing(params):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.update({**params, "train": "1"})
    at.switch_page("views/logistic.py").run()
    at.run()  # the rerun that would start training (see ui/panel.py)
    assert not at.exception and not at.error
    notice = " ".join(shown(w.value) for w in at.warning)
    assert all(name in notice for name in params if name in ("lr", "num_epochs", "dataset")
               and params[name] in ("abc", "1e9", "nope"))
    assert "Training did not start" in notice
    run = panel(at).run  # the valid settings were taken, the bad ones kept their defaults
    assert run.epoch == 0 and not panel(at).running
    assert run.config.batch_size == int(params.get("batch_size", FULL_BATCH))


# -- the server's configuration -----------------------------------------------------

def test_the_production_config_hides_errors_and_guards_the_server():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["fileWatcherType"] == "none"
    assert 0 < config["server"]["maxUploadSize"] <= 50
    assert config["server"].get("runOnSave", False) is False


# -- faults inside the training loop ------------------------------------------------

def test_a_run_that_raises_is_reported_and_the_session_goes_on(monkeypatch):
    from lab.models.logistic import LogisticManual

    original, calls, faulty = LogisticManual.train_step, [], [True]

    def flaky(self, X, y):
        calls.append(1)
        if faulty[0] and len(calls) > 10:
            raise RuntimeError("injected fault in train_step")
        return original(self, X, y)

    monkeypatch.setattr(LogisticManual, "train_step", flaky)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/logistic.py").run()
    at.number_input(key="logistic.num_epochs").set_value(50).run()  # hours: 1 update an epoch
    at.button(key="logistic.train").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "RuntimeError" in errors and "injected fault" in errors
    run = panel(at).run
    assert run.epoch == 10 and len(run.history) == 10 and not panel(at).running

    at.button(key="logistic.step").click().run()  # the fault again, through Step
    assert not at.exception
    assert "injected fault" in " ".join(e.value for e in at.error)
    assert panel(at).run is run and run.epoch == 10

    faulty[0] = False  # the fault goes away: Train continues the same run
    at.button(key="logistic.train").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert panel(at).run is run and run.epoch == 50 and len(run.history) == 50

    at.button(key="logistic.reset").click().run()
    assert panel(at).run is not run and panel(at).run.epoch == 0
    at.button(key="logistic.train").click().run()
    assert not at.exception and not at.error and panel(at).run.epoch == 50


# -- memory a link can make the server spend -----------------------------------------

def test_links_cycling_seeds_load_an_image_set_once(monkeypatch):
    """The dataset cache is per process: a seed that changes nothing must not add a copy."""
    loads = []
    monkeypatch.setattr(shared, "load", lambda name, seed, standardize: loads.append(
        (name, seed, standardize)) or object())
    shared.cached_dataset.clear()
    try:
        for seed in range(20):
            shared.cached_dataset("mnist-0v1", seed, False)
            shared.cached_dataset("iris", seed % 2, False)  # here the seed is the split
        assert loads.count(("mnist-0v1", 0, False)) == 1 and len(loads) == 3
    finally:
        shared.cached_dataset.clear()


def test_the_newest_batch_is_kept_as_a_few_rows_not_a_view_of_the_whole_batch():
    """A full batch of uint8 images becomes one float copy per step (188 MB for MNIST);
    a session keeps a few of its rows for the tables, and must not keep the copy alive."""
    X, y = torch.zeros(5000, 784), torch.zeros(5000)  # (n, d) as Dataset.features makes it
    kept = few_rows(Step(1, 0, 1, X, y, {}, None, len(y)))  # whenever training pauses or stops
    assert kept.rows == 5000 and len(kept.X) == STEP_ROWS_KEPT
    assert kept.X.untyped_storage().nbytes() == STEP_ROWS_KEPT * 784 * 4
    assert kept.y.untyped_storage().nbytes() == STEP_ROWS_KEPT * 4
