"""The stateful test (STYLE habit 10): random paths through one session, invariants after
every action.

One AppTest session (app.py, as a browser tab) is driven by a Hypothesis state machine
across every page: set any widget of the page to any value of its domain (ends included),
press Train, Step, Reset and Stop, switch page, open a preset, upload an awkward CSV
(tests/stateful_corpus.py) and open a tampered link. After every action:

- no exception on the page, and no "Training stopped by an error" (a caught crash);
- the status line "**Epoch N** of M …" shows the session's run: N and the batch are the
  run's, and when not training N ≤ M (never "Epoch 1000 of 500");
- every number in a metric or a dataframe is finite and no cell is empty (None), unless a
  visible message explains it (the finite-difference nan);
- a revealed lesson step keeps its result and the prediction it was revealed against;
- the runs kept in st.session_state["lab.runs"] are intact: the same objects, and a run no
  page is showing any more keeps its epochs, history and parameters (unless deleted);
- no text from a link, a CSV or a text box is rendered as Markdown (a link, LaTeX, bold, a
  heading: the markers of tests/stateful_corpus.py);
- an accepted CSV is read as the careful reader of the corpus reads it, a refused one
  says why; a train=1 link naming a dataset not valid here trains nothing.

Budget. AppTest cannot press Stop during a run, so every Train runs to its end inside one
action. Train is pressed with 1, 2, 5 or 20 epochs, or with what the Epochs widget holds if
that costs at most TRAIN_BUDGET batches; otherwise the action first sets Epochs to 5 (a
logged step of its own). The Epochs widget itself still takes any value up to 100 000,
and presets are opened with their own epochs (C1-notes, 10 000 one-batch epochs, costs
~2 s) or 1 or 3. A tampered train=1 link that would cost more than TRAIN_BUDGET gets
num_epochs=3 in it.

Run: `pytest tests/test_stateful.py` (CI: fixed seed, CI_EXAMPLES sequences of at most
CI_STEPS actions, no shrinking, ~2 min; a failure prints its sequence as AppTest code).
`--soak` or LAB_SOAK=1: a random seed, SOAK_EXAMPLES sequences of at most SOAK_STEPS,
and shrinking of the first failure. LAB_STATEFUL_EXAMPLES=N: N sequences instead.
LAB_STATEFUL_SURVEY=1: do not stop at the first failure; record every distinct one with
the shortest sequence that reached it, start a fresh session, go on, list them all at the
end; LAB_STATEFUL_SKIP=<regex> also looks past the failures it matches (a common one hides
the rest). The summary line "stateful: N distinct action sequences" counts what ran.
Run it on a tree nobody is editing: page scripts are read again at every rerun, and a
page that changes under the test makes Hypothesis report FlakyStrategyDefinition.
"""
import logging
import math
import os
import re
import traceback
from pathlib import Path

import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, invariant, precondition, rule,
                                 run_state_machine_as_test)
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from lab.config import IMPLS, MAX_EPOCHS, MAX_SEED
from lab.data import load
from tests.pages import APP
from tests.stateful_corpus import BOLD, CORPUS_LIST, HEADING, HTML, LATEX, LINK
from ui.controls import BATCH_SIZES, DATASET_LABELS, IMPL_LABELS, INIT_LABELS, LEARNING_RATES
from ui.presets import PRESETS
from ui.runs import MAX_RUNS

PAGES = {"home": "views/home.py", "lessons": "views/lessons.py",
         "logistic": "views/logistic.py", "softmax": "views/softmax.py",
         "linear": "views/linear.py", "losses": "views/losses.py", "tensors": "views/tensors.py"}
TRAINING = ("logistic", "softmax", "linear")
UPLOADS = ("logistic", "softmax")
PAGE_DEFAULTS = {  # what each page's widgets start with (views/*.py DEFAULTS)
    "logistic": {"dataset": "hours", "batch_size": 1 << 20, "num_epochs": 1000, "impl": "manual"},
    "softmax": {"dataset": "digits", "batch_size": 32, "num_epochs": 20, "impl": "manual"},
    "linear": {"dataset": "hours-points", "batch_size": 1 << 20, "num_epochs": 1000,
               "impl": "nn"},
}
TRAIN_BUDGET = 12_000      # mini-batches (× 2 for both twins) one Train may cost
TRAIN_EPOCHS = [None, 1, 2, 5, 20]  # None: what the Epochs widget holds, if within budget
                                    # (20: a too large lr diverges after ~10 epochs)

CI_EXAMPLES, CI_STEPS = 55, 15
SOAK_EXAMPLES, SOAK_STEPS = 600, 30

HOSTILE = [LINK, LATEX, BOLD, HTML, HEADING, "nan", "inf", "-1", "0", "1e999", "9" * 400, "",
           "nope"]
LINK_VALUES = {  # a tampered link: valid values too, so that some links mostly work
    "dataset": ["nope", "iris", "digits", "hours-points", "csv", "../../etc/passwd"],
    "impl": ["both", "<script>alert(1)</script>"],
    "lr": ["10", "0.5", "1e-300", "1e6"],
    "batch_size": ["1", "0", str(2**70)],
    "num_epochs": ["3", "1e99", "100001", "-5"],
    "seed": ["7", str(MAX_SEED + 1), "-1"],
    "init": ["zeros", "evil"],
    "reduction": ["sum", "max"],
    "standardize": ["true", "maybe"],
    "train": ["1", "1", "yes"],  # links that train are what the issue is about: "1" often
    "foo": ["bar"],
}
TEXTS = ["[[1, 2], [3, 4]]", "1; 2", "[[1], [2]]", "", "abc", "[[1e308, -1e308]]",
         "[[nan, inf]]", LINK, LATEX, BOLD, HEADING, "[" * 200, "1, 2, 3; 4, 5"]
PANEL_BUTTONS = ("train", "step", "reset", "stop")
FROM_LABEL = {label: value for table in (DATASET_LABELS, INIT_LABELS, IMPL_LABELS)
              for value, label in table.items()}
STATUS = re.compile(r"^\*\*Epoch (\d+)\*\*(?: of (\d+))?")  # then ", batch B of K", " · state"
BATCH = re.compile(r"batch (\d+) of (\d+)")

SOAK = os.environ.get("LAB_SOAK") == "1"
SURVEY = os.environ.get("LAB_STATEFUL_SURVEY") == "1"
EXAMPLES = os.environ.get("LAB_STATEFUL_EXAMPLES")  # overrides the budget's, for a survey
SKIP = os.environ.get("LAB_STATEFUL_SKIP")  # survey: a regex of failures to record, not stop at
REPORT = {"sequences": set(), "steps": 0, "failures": {}, "reveals": set()}  # for conftest


# -- what the page shows ---------------------------------------------------------------

class _Uncaught(logging.Handler):
    """Streamlit logs the real exception of an uncaught error (the page shows it redacted)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.seen = []

    def emit(self, record):
        if record.exc_info:
            exc = record.exc_info[1]
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.seen.append(f"{type(exc).__name__}: {exc} "
                             f"(at {Path(where.filename).name}:{where.lineno})")


UNCAUGHT = _Uncaught()
logging.getLogger("streamlit.error_util").addHandler(UNCAUGHT)


def state(at, key, default=None):
    return at.session_state[key] if key in at.session_state else default


def texts_rendered_as_markdown(at):
    """(kind, text, allow_html) of every element whose text Streamlit renders as Markdown."""
    kinds = ("Markdown", "Caption", "Warning", "Error", "Info", "Success", "Title", "Header",
             "Subheader", "Toast")
    out = []
    for node in at.main:
        kind = type(node).__name__
        if kind in kinds:
            out.append((kind, node.value, getattr(node.proto, "allow_html", False)))
        elif kind == "Metric":
            out.append((kind, node.label, False))
    return out


def rendered_markup(text, allow_html=False):
    """What of the corpus's and the links' markup this text would render, or None."""
    text = re.sub(r"`[^`]*`", "", text)  # a code span shows its contents as they are
    if re.search(r"(?<!\\)\]\(https?://evil\.example", text):
        return "a Markdown link"
    if re.search(r"(?<!\\)\$[^$]*Huge", text):
        return "LaTeX"
    if "**zzbold**" in text:
        return "bold"
    if re.search(r"(?m)^ {0,3}#{1,6} *zzhead", text):
        return "a heading (from a newline)"
    if allow_html and "<b>zzb" in text:
        return "HTML"
    return None


def bad_cells(frame):
    """(column, value) of the cells that are not a finite number or a non-empty text."""
    bad = []
    for column in frame.columns:
        for value in frame[column].tolist():
            if value is None or value is pd.NA:
                bad.append((column, "None"))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                if not math.isfinite(value):
                    bad.append((column, value))
            elif isinstance(value, str) and value.strip().lower() in ("none", "nan", "inf",
                                                                     "-inf", ""):
                bad.append((column, value))
            elif hasattr(value, "dtype") and hasattr(value, "item"):  # a numpy scalar
                if value.dtype.kind in "fc" and not math.isfinite(value.item()):
                    bad.append((column, value.item()))
    return bad


def shown(frame):
    """The table as the browser shows it: a Styler's formatted text where there is one."""
    arrow = frame.proto.arrow_data
    if arrow.HasField("styler") and arrow.styler.display_values:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
    return frame.value


def dataset_names(at, page):
    """The dataset names the page's selectbox offers (its labels mapped back)."""
    try:
        box = at.selectbox(key=f"{page}.dataset")
    except KeyError:
        return None
    return [FROM_LABEL.get(o, o) for o in box.options]


def uploaded_dataset(at, page, name):
    """The Dataset the page made of the uploaded file `name`, or None if it made none."""
    made = [v for v in (state(at, "lab.csv_cache", {}) or {}).values()
            if getattr(v, "name", None) == f"csv:{name}"]  # the page's per-session cache
    panel = state(at, f"{page}.panel")
    if panel is not None and panel.run is not None and panel.run.data.name == f"csv:{name}":
        made.append(panel.run.data)
    return made[-1] if made else None


def has_widget(at, key):
    return any(getattr(w, "key", None) == key for w in at.main)


def train_rows(name):
    """Training examples of a dataset, to price a Train (0 if it cannot be loaded here)."""
    if name == "csv" or name.startswith("csv:"):
        return 100
    if name not in _ROWS:
        try:
            _ROWS[name] = len(load(name, seed=0, standardize=False).y_train)
        except Exception:  # noqa: BLE001 — an image set offline: the page shows an error
            _ROWS[name] = 0
    return _ROWS[name]


_ROWS = {}


class Failure(AssertionError):
    def __init__(self, signature, detail):
        super().__init__(f"{signature}\n{detail}")
        self.signature, self.detail = signature, detail


# -- the machine -------------------------------------------------------------------------

class LabSession(RuleBasedStateMachine):
    """One browser tab's session, driven through AppTest."""

    def __init__(self):
        super().__init__()
        self._start()

    def _start(self):
        self.at = AppTest.from_file(APP, default_timeout=120)
        self.page = "home"
        self.log = ["at = AppTest.from_file(APP, default_timeout=120)", "at.run()"]
        self.runs_seen = {}   # record id → (run, epoch, updates, epochs kept, latest, params)
        self.reveals_seen = {}  # (lesson key, step) → (its Result, the prediction committed)
        self.deleted = set()
        self.aborted = False  # survey mode: the current rule's session failed and was replaced
        UNCAUGHT.seen.clear()
        self.at.run()
        self.check()

    def teardown(self):
        REPORT["sequences"].add(tuple(self.log))

    @invariant()
    def next_rule_acts_again(self):  # runs after every rule: a survey restart lasts one rule
        self.aborted = False

    # -- doing and checking ----------------------------------------------------------

    def do(self, code, action):
        """Run one user action (its AppTest code is logged for the repro), then check."""
        if self.aborted:
            return
        self.log.append(code)
        REPORT["steps"] += 1
        UNCAUGHT.seen.clear()
        action()
        self.check()

    def run(self):
        self.at.run()

    def check(self):
        for check in (self._check_exceptions, self._check_status, self._check_numbers,
                      self._check_runs, self._check_lessons, self._check_markup):
            try:
                check()
            except Failure as failure:
                if not self.fail(failure):
                    return

    def fail(self, failure):
        """Raise; in survey mode record it, and start a fresh tab unless it is one to look
        past (LAB_STATEFUL_SKIP). True if the session goes on."""
        repro = "\n".join(f"    {line}" for line in self.log)
        if not SURVEY:
            raise Failure(failure.signature, f"{failure.detail}\nSequence:\n{repro}") from None
        REPORT["sequences"].add(tuple(self.log))
        seen = REPORT["failures"].get(failure.signature)
        if seen is None or len(self.log) < len(seen[1]):
            REPORT["failures"][failure.signature] = (failure.detail, list(self.log))
        if SKIP and re.search(SKIP, failure.signature):
            return True
        self._start()  # a fresh tab; the rest of the sequence goes on there
        self.aborted = True  # ... from the next rule on
        return False

    def _check_exceptions(self):
        at = self.at
        if at.exception or UNCAUGHT.seen:
            real = UNCAUGHT.seen[-1] if UNCAUGHT.seen else at.exception[0].value
            raise Failure(f"exception: {_shape(real)}", f"uncaught on {self.page}: {real}")
        for error in at.error:
            if error.value.startswith("Training stopped by an error"):
                raise Failure(f"caught: {_shape(error.value[:160])}", error.value)

    def _check_status(self):
        at, page = self.at, self.page
        statuses = [m.value for m in at.markdown if STATUS.match(m.value)]
        panel = state(at, f"{page}.panel")
        for p in TRAINING:
            s = state(at, f"{p}.panel")
            if s is not None and s.running:
                raise Failure("still 'running' after the script ended", f"{p}.panel.running")
        if not statuses:
            return
        if page not in TRAINING or panel is None or panel.run is None:
            raise Failure("a status line with no run", str(statuses))
        status, run = statuses[-1], panel.run
        n, m = STATUS.match(status).groups()
        batch = BATCH.search(status)
        if int(n) != run.epoch or (int(batch.group(1)) if batch else 0) != run.batch:
            raise Failure("status shows another run's epoch",
                          f"{status!r}, run: epoch {run.epoch}, batch {run.batch}")
        if "training…" in status:
            raise Failure("status says training after the script ended", status)
        if m is not None and int(n) > int(m):
            raise Failure("status: Epoch N of M with N > M, not training",
                          f"{status!r} (run epoch {run.epoch}, target {panel.target_epochs}, "
                          f"run config epochs {run.config.num_epochs})")

    def _check_numbers(self):
        at = self.at
        captions = " ".join(c.value for c in at.caption)
        nan_explained = "show nan" in captions
        for metric in at.metric:
            try:
                value = float(metric.value.replace(",", ""))
            except ValueError:
                continue
            if not math.isfinite(value):
                raise Failure(f"metric {_shape(metric.label)} is {value}", metric.value)
        for frame in at.dataframe:
            df = shown(frame)
            bad = [(c, v) for c, v in bad_cells(df)
                   if not (nan_explained and c == "finite differences" and v != "None")]
            if bad:
                columns = sorted({str(c) for c, _ in bad})
                raise Failure(f"empty or non-finite cells in the table with columns "
                              f"{list(map(str, df.columns))[:6]}",
                              f"cells {bad[:4]} in {columns}:\n{df.head(12).to_string()}")

    def _check_runs(self):
        at = self.at
        records = state(at, "lab.runs", [])
        current = {id(s.run) for p in TRAINING if (s := state(at, f"{p}.panel")) and s.run}
        ids = [r.id for r in records]
        for rid, (run, epoch, updates, kept, latest, params) in list(self.runs_seen.items()):
            if rid not in ids:
                evicted = len(records) == MAX_RUNS and all(rid < i for i in ids)
                if rid not in self.deleted and not evicted:
                    raise Failure("a kept run disappeared", f"run #{rid}")
                del self.runs_seen[rid]
                continue
            record = records[ids.index(rid)]
            if record.run is not run:
                raise Failure("a kept run was replaced by another object", f"run #{rid}")
            if id(run) in current:  # still on a page: it may train on, never lose epochs
                if run.epoch < epoch or run.updates < updates:
                    raise Failure("a kept run lost epochs", f"#{rid}: {epoch} → {run.epoch}")
            elif (run.epoch, run.updates, list(run.history.epochs), run.history.latest) != \
                    (epoch, updates, kept, latest) or not _same_params(run, params):
                raise Failure("a kept run changed after it left the page",
                              f"#{rid}: epoch {epoch} → {run.epoch}, updates {updates} → "
                              f"{run.updates}")
        for record in records:
            run = record.run
            impl = next(iter(run.models))
            self.runs_seen[record.id] = (run, run.epoch, run.updates, list(run.history.epochs),
                                         run.history.latest,
                                         {k: v.clone() for k, v in run.params(impl).items()})

    def _check_lessons(self):
        """A revealed step keeps its Result (the same object) and the prediction it was
        revealed against, whatever the learner does next (predict again, Back, Next, pick
        another lesson, another page, lecture mode)."""
        results = state(self.at, "lessons.results", {}) or {}
        committed = state(self.at, "lessons.committed", {}) or {}
        for step, (result, prediction) in self.reveals_seen.items():
            if results.get(step) is not result:
                raise Failure("a revealed lesson step lost or changed its result", repr(step))
            if committed.get(step) != prediction:
                raise Failure("a revealed lesson step changed its committed prediction",
                              f"{step}: {prediction!r} → {committed.get(step)!r}")
        for step, result in results.items():
            self.reveals_seen.setdefault(step, (result, committed.get(step)))
        REPORT["reveals"].update(results)  # the lesson steps any sequence revealed

    def _check_markup(self):
        for kind, text, allow_html in texts_rendered_as_markdown(self.at):
            what = rendered_markup(text, allow_html)
            if what:
                raise Failure(f"user text rendered as Markdown: {what} in a {kind}",
                              repr(text[:300]))

    # -- the rules -------------------------------------------------------------------

    @rule(page=st.sampled_from(list(PAGES)))
    def switch_page(self, page):
        def go():
            self.at.query_params.clear()  # a page's own link carries no parameters
            self.at.switch_page(PAGES[page]).run()
        self.page = page
        self.do(f"at.query_params.clear(); at.switch_page({PAGES[page]!r}).run()", go)

    @rule(data=st.data())
    def set_widget(self, data):
        widgets = {w.key: w for w in self.at.main
                   if isinstance(w, Widget) and w.key and not getattr(w, "disabled", False)
                   and type(w).__name__ != "FileUploader"
                   and w.key.split(".")[-1] not in PANEL_BUTTONS}
        if not widgets:
            return
        key = data.draw(st.sampled_from(sorted(widgets, key=stable)), label="widget")
        widget = widgets[key]
        if type(widget).__name__ in ("Button", "DownloadButton"):
            if key.endswith(".delete"):
                self._note_deletion(key)
            kind = "button" if type(widget).__name__ == "Button" else "download_button"
            self.do(f"at.{kind}(key={key!r}).click().run()",
                    lambda: (widget.click(), self.run()))
            return
        value = data.draw(domain(widget), label="value")
        self.do(f"set_widget(at, {key!r}, {value!r}); at.run()",
                lambda: (widget.set_value(value), self.run()))

    def _note_deletion(self, key):
        page = key.split(".")[0]
        chosen = state(self.at, f"{page}.delete_runs", []) or []
        for record in state(self.at, "lab.runs", []):
            if record.id in chosen:
                self.deleted.add(record.id)

    def _panel_page(self):
        return self.page in TRAINING and has_widget(self.at, f"{self.page}.train")

    @precondition(lambda self: self._panel_page())
    @rule(button=st.sampled_from(PANEL_BUTTONS), epochs=st.sampled_from(TRAIN_EPOCHS))
    def press(self, button, epochs):
        page, at = self.page, self.at
        if button == "train":
            held = int(state(at, f"{page}.num_epochs", PAGE_DEFAULTS[page]["num_epochs"]))
            if epochs is None and self._cost(held) > TRAIN_BUDGET:
                epochs = 5
            if epochs is not None and epochs != held:
                key = f"{page}.num_epochs"
                self.do(f"at.number_input(key={key!r}).set_value({epochs}).run()",
                        lambda: at.number_input(key=key).set_value(epochs).run())
                if not self._panel_page():
                    return
        key = f"{page}.{button}"
        self.do(f"at.button(key={key!r}).click().run()",
                lambda: at.button(key=key).click().run())

    def _cost(self, epochs, settings=None):
        """Mini-batches a Train of `epochs` costs with the page's current (or given) settings."""
        page, at = self.page, self.at
        get = lambda name: (settings or {}).get(  # noqa: E731
            name, state(at, f"{page}.{name}", PAGE_DEFAULTS[page][name]))
        rows, batch = train_rows(get("dataset")), int(get("batch_size"))
        twins = 2 if get("impl") == "both" else 1
        return epochs * (math.ceil(rows / max(batch, 1)) + 1) * twins

    @rule(preset=st.sampled_from(PRESETS), train=st.booleans(),
          epochs=st.sampled_from([None, None, 1, 3]))
    def open_preset(self, preset, train, epochs):
        params = preset.query_params()
        if not train:
            del params["train"]
        if epochs is not None:
            params["num_epochs"] = str(epochs)
        self._open_link(preset.page, params, f"preset {preset.key}")

    @precondition(lambda self: self.page in TRAINING)
    @rule(data=st.data())
    def open_tampered_link(self, data):
        names = data.draw(st.lists(st.sampled_from(sorted(LINK_VALUES)), min_size=1,
                                   max_size=4, unique=True), label="names")
        params = {n: data.draw(st.sampled_from(LINK_VALUES[n] + (HOSTILE if n != "train"
                                                                  else [LINK])), label=n)
                  for n in names}
        if params.get("train") == "1":  # price it with what it would train
            epochs = _int(params.get("num_epochs"))
            held = state(self.at, f"{self.page}.num_epochs",
                         PAGE_DEFAULTS[self.page]["num_epochs"])
            wanted = epochs if epochs and 1 <= epochs <= MAX_EPOCHS else held
            dataset = params.get("dataset")
            settings = {"dataset": dataset} if dataset in (dataset_names(self.at, self.page)
                                                          or ()) else {}
            if self._cost(int(wanted), settings) > TRAIN_BUDGET:
                params["num_epochs"] = "3"
        self._open_link(PAGES[self.page], params, "tampered link")

    def _open_link(self, path, params, what):
        at = self.at
        page = next(p for p, f in PAGES.items() if f == path)
        before = state(at, f"{page}.panel")
        before_run = before.run if before else None
        before_updates = before_run.updates if before_run else 0

        def go():
            at.query_params.clear()
            at.query_params.update(params)
            at.switch_page(path).run()
        self.page = page
        self.do(f"at.query_params.clear(); at.query_params.update({params!r}); "
                f"at.switch_page({path!r}).run()  # {what}", go)
        if self.aborted:
            return
        names = dataset_names(at, page)
        if params.get("train") == "1" and "dataset" in params and names is not None \
                and params["dataset"] not in names:
            after = state(at, f"{page}.panel")
            run = after.run if after else None
            trained = run is not None and (run.updates > before_updates if run is before_run
                                           else run.updates > 0)
            if trained:
                self.fail(Failure("a train=1 link with a dataset not valid here trained anyway",
                                  f"dataset={params['dataset']!r}: trained "
                                  f"{run.config.dataset!r} to epoch {run.epoch}"))

    @precondition(lambda self: self.page == "lessons")
    @rule(data=st.data(), then=st.sampled_from(("reveal", "next", "back", "reveal")))
    def predict_then(self, data, then):
        """On the Lessons page: a prediction for the step on screen, then Reveal (or Back,
        Next); the widgets alone rarely reach a reveal."""
        at = self.at
        widgets = [w for w in at.main if isinstance(w, Widget) and w.key
                   and w.key.startswith("lessons.predict.")]
        if widgets:
            widget = widgets[0]
            value = data.draw(domain(widget), label="prediction")
            self.do(f"set_widget(at, {widget.key!r}, {value!r}); at.run()",
                    lambda: (widget.set_value(value), self.run()))
        key = f"lessons.{then}"
        if has_widget(at, key) and not at.button(key=key).disabled:
            self.do(f"at.button(key={key!r}).click().run()",
                    lambda: at.button(key=key).click().run())

    @precondition(lambda self: self.page in UPLOADS)
    @rule(csv=st.sampled_from(CORPUS_LIST))
    def upload_csv(self, csv):
        at, page = self.at, self.page
        if state(at, f"{page}.dataset") != "csv":
            key = f"{page}.dataset"
            self.do(f"at.selectbox(key={key!r}).set_value('csv').run()",
                    lambda: at.selectbox(key=key).set_value("csv").run())
        if not has_widget(at, f"{page}.upload"):
            return
        key = f"{page}.upload"
        self.do(f"at.file_uploader(key={key!r}).upload({csv.name!r}, "
                f"CORPUS[{csv.name!r}].data, 'text/csv').run()",
                lambda: at.file_uploader(key=key).upload(csv.name, csv.data, "text/csv").run())
        if not self.aborted:
            self._check_upload(csv)

    def _check_upload(self, csv):
        at, page = self.at, self.page
        errors = [e.value for e in at.error if not e.value.startswith("Training stopped")]
        fits = csv.classes is not None and (csv.classes == 2 or page == "softmax")
        data = uploaded_dataset(at, page, csv.name)
        problem = None
        if data is not None and not all(torch.isfinite(X).all() for X in
                                        (data.X_train, data.X_test) if X is not None):
            problem = ("an accepted CSV holds inf or nan features", f"{csv.name}: {csv.note}")
        elif data is not None and csv.classes and len(data.class_names) != csv.classes:
            problem = ("a CSV's classes miscounted", f"{csv.name}: {data.class_names}, "
                                                     f"expected {csv.classes} ({csv.note})")
        elif csv.valid and fits and errors:
            problem = ("a valid CSV was refused", f"{csv.name}: {errors}")
        elif csv.valid is False and not errors:
            problem = ("a bad CSV was taken without a message", csv.name)
        if problem:
            self.fail(Failure(*problem))


def domain(widget):
    """A strategy for any value of this widget's domain, its ends included."""
    key, kind = widget.key, type(widget).__name__
    setting = key.split(".", 1)[-1]
    known = {"lr": LEARNING_RATES, "batch_size": BATCH_SIZES, "impl": list(IMPLS),
             "init": list(INIT_LABELS)}
    if "." in key and setting in known:
        return st.sampled_from(known[setting])
    if setting == "dataset":
        return st.sampled_from([FROM_LABEL.get(o, o) for o in widget.options])
    if setting == "num_epochs":
        return st.one_of(st.sampled_from([1, 2, 5, MAX_EPOCHS]), st.integers(1, MAX_EPOCHS))
    if kind in ("Selectbox", "Radio", "SelectSlider", "ButtonGroup"):
        return st.sampled_from([FROM_LABEL.get(o, o) for o in widget.options])
    if kind in ("Toggle", "Checkbox"):
        return st.booleans()
    if kind == "Multiselect":
        return st.lists(st.sampled_from(widget.options), unique=True, max_size=3)
    if kind == "TextInput":
        return st.sampled_from(TEXTS)
    if kind in ("NumberInput", "Slider"):
        lo, hi = widget.min, widget.max
        if kind == "Slider":
            lo, hi = widget.proto.min, widget.proto.max
        if isinstance(widget.value, int):
            lo, hi = int(lo if lo is not None else -1e6), int(hi if hi is not None else 1e6)
            return st.one_of(st.sampled_from([lo, hi]), st.integers(lo, hi))
        lo, hi = (lo if lo is not None else -1e6), (hi if hi is not None else 1e6)
        step = widget.proto.step or 0.5
        return st.one_of(st.sampled_from([lo, hi]),
                         st.integers(0, int((hi - lo) / step)).map(lambda k: lo + k * step))
    raise AssertionError(f"no domain for {kind} {key!r}: teach the stateful test")


def stable(key):
    """A widget key without the run number or upload id some keys end with."""
    return re.sub(r"\.(label|overlay)\..*$", r".\1", key)


def _shape(text):
    """A message with its numbers and quoted values blanked: one signature per kind."""
    text = re.sub(r"'[^']*'", "'…'", str(text))
    return re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", text)[:200]


def _same_params(run, params):
    impl = next(iter(run.models))
    now = run.params(impl)
    return all(now[k].shape == v.shape and bool((now[k] == v).all()) for k, v in params.items())


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


# -- the test ------------------------------------------------------------------------------

def budget(soak):
    if soak:
        return settings(max_examples=int(EXAMPLES or SOAK_EXAMPLES), stateful_step_count=SOAK_STEPS,
                        deadline=None, database=None, derandomize=False,
                        suppress_health_check=list(HealthCheck))
    return settings(max_examples=int(EXAMPLES or CI_EXAMPLES), stateful_step_count=CI_STEPS,
                    deadline=None,
                    database=None, derandomize=True,
                    phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network (as in CI), and image sets looked for in an empty directory."""
    import urllib.error
    import urllib.request

    from ui.datasets import cached_dataset

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("offline (stateful test)")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path))
    cached_dataset.clear()
    yield
    cached_dataset.clear()


@pytest.mark.stateful
def test_random_paths_through_a_session_keep_every_invariant(request, offline):
    soak = SOAK or request.config.getoption("--soak", default=False)
    REPORT["failures"].clear()
    try:
        run_state_machine_as_test(LabSession, settings=budget(soak))
    finally:
        if REPORT["failures"]:  # survey mode: every distinct failure, whatever ended the run
            print(survey_text())
    assert not REPORT["failures"], survey_text()


def survey_text():
    lines = [f"{len(REPORT['failures'])} distinct failures:"]
    for signature, (detail, log) in sorted(REPORT["failures"].items()):
        lines.append(f"\n== {signature}\n{detail}\n" + "\n".join(f"    {x}" for x in log))
    return "\n".join(lines)
