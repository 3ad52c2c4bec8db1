"""The session's runs: every trained run is kept with its settings, to overlay, export or delete."""
import io
import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lab.export import export_script, metrics_csv, save_params
from lab.i18n import DEFAULT, N_, _, current
from ui import language
from ui.charts import DASHED, INK, SERIES, SOLID, chart, epoch_axis, lettering
from ui.controls import DATASET_LABELS
from ui.text import numbers_as_text

MAX_RUNS = 12  # per session: each holds at most 2000 curve points and a small model
# A run's implementation and reduction, as its label names them (nn stays nn)
IMPLS = {"manual": N_("manual"), "nn": "nn", "both": N_("both")}
REDUCTIONS = {"mean": N_("mean"), "sum": N_("sum")}
# The runs table's columns: the summary's keys, and the headers shown
COLUMNS = {"run": N_("run"), "epochs": N_("epochs"), "train loss": N_("train loss"),
           "train acc": N_("train acc"), "test loss": N_("test loss"),
           "test acc": N_("test acc")}


@dataclass
class RunRecord:
    id: int
    page: str
    run: object  # lab.train.Run, kept whole: its history, parameters and settings

    @property
    def label(self):
        c = self.run.config
        lrs = "→".join(f"{lr:g}" for lr in self.run.lrs)
        if c.batch_size >= len(self.run.data.y_train):
            # TRANSLATORS: {impl} is manual, nn or both; {reduction} is mean or sum.
            label = _("#{id} {dataset} · {impl} · lr {lrs} · batch full · {reduction} · "
                      "seed {seed}")
        else:
            label = _("#{id} {dataset} · {impl} · lr {lrs} · batch {batch} · {reduction} · "
                      "seed {seed}")
        return label.format(
            id=self.id, dataset=_dataset_name(c.dataset), lrs=lrs, batch=c.batch_size, seed=c.seed,
            impl=_(IMPLS[c.impl]),
            reduction=_(REDUCTIONS[c.reduction]))


def _dataset_name(dataset):
    """The dataset as a run's label names it: its key in English (hours-points), as it
    always has; in another language its label in that language (a key is English words)."""
    if current() == DEFAULT or dataset not in DATASET_LABELS:  # an upload: csv:its name
        return dataset
    return _(DATASET_LABELS[dataset])


def _records():
    return st.session_state.setdefault("lab.runs", [])


def keep(page, run, started=False):
    """Remember `run` (once) as one of this session's runs, once it has trained or
    `started` training (the runs table shows it from its first epoch on)."""
    records = _records()
    if (run.updates == 0 and not started) or any(r.run is run for r in records):
        # untried settings: not a run
        return
    # a run stopped before its first epoch ended is not shown: it gives its place up
    records[:] = [r for r in records if r.run.epoch > 0]
    number = st.session_state.get("lab.runs_made", 0) + 1  # counted per session, from #1
    st.session_state["lab.runs_made"] = number
    records.append(RunRecord(number, page, run))
    del records[:-MAX_RUNS]


def show(page):
    """The runs section: a table, an overlay of chosen runs' curves, export and delete."""
    records = [r for r in _records() if r.page == page and r.run.epoch > 0]
    if not records:
        st.caption(_("Runs you train appear here, to compare and export."))
        return
    # The widgets' values are the runs' numbers, shown by their labels: a label is in the
    # page's language, a number is not (ui.language.translated)
    by_id = {r.id: r for r in records}
    ids, labels = list(by_id), {r.id: r.label for r in records}
    table = pd.DataFrame([_summary(r) for r in records]).dropna(axis="columns", how="all")
    numbers = [c for c in table.columns if c not in ("run", "epochs")]
    table = numbers_as_text(table, numbers).rename(columns=lambda c: _(COLUMNS[c]))
    st.dataframe(table, hide_index=True)
    # a key per newest run: a new run, new defaults. A default only when the key has no
    # value yet: a language switch sets it (ui.language), and Streamlit warns of both.
    overlay = f"{page}.overlay.{ids[-1]}"
    chosen = st.multiselect(_("Overlay the curves of"), ids, format_func=labels.__getitem__,
                            placeholder=_("Choose runs"), key=language.translated(overlay),
                            **({} if overlay in st.session_state else {"default": ids[-2:]}))
    if chosen:
        chart(st.empty(), overlay_spec([by_id[c] for c in chosen if c in by_id]))
    export, delete = st.columns([3, 1])
    which = export.selectbox(_("Export a run"), ids, format_func=labels.__getitem__,
                             key=language.translated(f"{page}.export_run"),
                             **({} if f"{page}.export_run" in st.session_state
                                else {"index": len(ids) - 1}))
    _downloads(export, by_id.get(which, records[-1]))
    gone = delete.multiselect(_("Delete runs"), ids, format_func=labels.__getitem__,
                              placeholder=_("Choose runs"),
                              key=language.translated(f"{page}.delete_runs"))
    if delete.button(_("Delete"), key=f"{page}.delete", disabled=not gone):
        gone = set(gone)
        st.session_state["lab.runs"] = [r for r in _records() if r.id not in gone]
        st.rerun()


def _summary(record):
    run = record.run
    impl = next(iter(run.models))
    last = run.history.latest.metrics[impl]
    return {"run": record.label, "epochs": run.epoch, "train loss": last.train_loss,
            "train acc": last.train_acc, "test loss": last.test_loss, "test acc": last.test_acc}


def overlay_spec(records):
    rows, train, test = [], _("train"), _("test")
    for r in records:
        impl = next(iter(r.run.models))
        epochs, cols = r.run.history.series(impl)
        label = r.label  # once a run, not once a point
        rows += [(label, e, v, train) for e, v in zip(epochs, cols["train_loss"])
                 if math.isfinite(v)]  # JSON has no inf: one would break the chart
        rows += [(label, e, v, test) for e, v in zip(epochs, cols["test_loss"])
                 if v is not None and math.isfinite(v)]
    data = pd.DataFrame(rows, columns=["run", "epoch", "loss", "split"])
    title = _("Loss of the chosen runs")
    return {
        "title": title, "height": 380,
        "datasets": {"runs": data},
        "layer": [{"data": {"name": "runs"},
                   "mark": {"type": "line", "strokeWidth": 3, "point": bool(data["epoch"].max() < 30)},
                   "encoding": {
                       "x": _titled(epoch_axis(), _("epoch")),
                       "y": {"field": "loss", "type": "quantitative", "title": _("mean loss")},
                       # a run each its colour, from the palette's series (ui.charts)
                       "color": {"field": "run", "type": "nominal", "title": None,
                                 "scale": {"range": SERIES},
                                 "legend": {"orient": "bottom", "columns": 1, "labelLimit": 0}},
                       # train solid, test dashed; drawn as lines in the legend, not dots
                       "strokeDash": {"field": "split", "type": "nominal", "title": None,
                                      # above: beside the runs' long labels (in
                                      # Chinese) it ran off the chart's right edge
                                      "legend": {"orient": "top", "symbolType": "stroke",
                                                 "symbolSize": 600,
                                                 "symbolStrokeColor": INK, "symbolFillColor": INK,
                                                 "symbolStrokeWidth": 3},
                                      "scale": {"domain": [_("train"), _("test")],
                                                "range": [SOLID, DASHED]}}}}],
        "config": lettering(title),
    }


def _titled(axis, title):
    """An axis with its title: Vega-Lite's default, the field's name, is not translated."""
    return axis if "title" in axis else {**axis, "title": title}


def params_bytes(run):
    """The parameters of every twin as a torch.save file ({impl: state_dict})."""
    buffer = io.BytesIO()
    save_params(run, buffer)
    return buffer.getvalue()


def _downloads(box, record):
    run, stem = record.run, f"run{record.id}-{record.run.config.dataset}"
    c = box.columns(3)
    c[0].download_button(_("Metrics (CSV)"), lambda: metrics_csv(run.history),
                         f"{stem}-metrics.csv", "text/csv", key=f"{record.page}.dl_csv", on_click="ignore")
    c[1].download_button(_("Parameters (.pt)"), lambda: params_bytes(run), f"{stem}-params.pt",
                         "application/octet-stream", key=f"{record.page}.dl_pt",
                         on_click="ignore")
    c[2].download_button(_("Script (.py)"), _script(run), f"{stem}.py", "text/x-python",
                         key=f"{record.page}.dl_py", on_click="ignore")
    if run.batch:  # stopped inside an epoch: the script replays whole epochs only
        box.caption(_("The script replays the {epochs} whole epochs; the {updates} "
                      "update(s) of the unfinished epoch {epoch} are not in it.").format(
                          epochs=run.epoch, updates=run.batch, epoch=run.epoch + 1))


def _script(run):
    """The standalone script (made when the button is pressed): the epochs the run
    trained, its learning rates as they changed, an upload's rows."""
    data = run.data if run.config.dataset.startswith("csv:") else None  # no file to point at
    return lambda: export_script(run.config.with_(num_epochs=run.epoch), data=data,
                                 schedule=run.schedule)
