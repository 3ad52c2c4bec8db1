"""Logistic regression: the heart of the lab."""
import pandas as pd
import streamlit as st

from lab.config import RunConfig
from lab.i18n import _, ngettext
from lab.instruments.explain import bce_table
from lab.instruments.landscape import bce_surface, loss_along_line
from lab.models.functions import (BinaryCrossEntropy, Sigmoid, bce, bce_per_example, sigmoid,
                                  sigmoid_naive)
from lab.models.logistic import LogisticManual, LogisticNN
from lab.numbers import human
from ui import charts, lecture, lesson_panel, logistic_figures, owndata, page_end
from ui.charts import chart, show_gap
from ui.controls import FULL_BATCH, available, run_settings
from ui.panel import Panel
from ui.text import numbers_as_text

DATASETS = available(["hours", "iris", "synthetic", "breast-cancer",
                      "mnist-0v1", "fashion-mnist-tshirt-v-trouser"]) + [owndata.CHOICE]
DEFAULTS = RunConfig(model="logistic", dataset="hours", lr=0.01, batch_size=FULL_BATCH,
                     num_epochs=1000, reduction="sum")  # C1 as in the slides
TABLE_ROWS = 8

view = lecture.Layout("logistic")
with view.head:
    st.title(_("Logistic regression"))
    st.markdown(_(
        "A linear score **z = w·x + b** squashed by the sigmoid into a probability "
        "**ŷ = σ(z)**, trained by gradient descent on the binary cross-entropy. "
        "Pick a dataset and an implementation, press **Train**, and watch it learn. "
        "The course's four steps run on every batch: *forward* (ŷ), *loss* (BCE), "
        "*backward* (autograd fills the gradients), *update* (w ← w − lr·∂L/∂w)."))
    st.latex(r"\hat y=\sigma(w\cdot x+b)=\frac{1}{1+e^{-(w\cdot x+b)}}\qquad "
             r"L=-\frac{1}{N}\sum_{n=1}^{N}\big[y_n\log\hat y_n+(1-y_n)\log(1-\hat y_n)\big]")
    lesson_panel.show("logistic")  # in lecture mode the head, so the panel, is below the views

with view.settings:
    config = run_settings("logistic", "logistic", DATASETS, DEFAULTS, notes=view.notes,
                          narrow=view.on)
    config, data = owndata.page_dataset("logistic", config, tasks=("binary",))
    if data is None:  # the page has said why
        view.stop()
    if config.dataset == "breast-cancer" and not config.standardize:
        st.caption(_("Tip: breast-cancer's features range from 0.001 to 4000; turn on "
                     "**Standardize features** or the sigmoid saturates at once."))

panel = Panel("logistic", config, data)
panel.buttons(view)
BCE = r"\ell_n=-\big[y_n\log\hat y_n+(1-y_n)\log(1-\hat y_n)\big]"
if view.on:  # the first screen: the loss, the fit (or the boundary), the batch's BCE
    first = view.row(panel)
    two = panel.run.data.num_features == 2
    loss_box, key_fit = first[0].empty(), first[1].empty()
    first[2].markdown(_("**BCE per example**, ℓ = −[y·log ŷ + (1 − y)·log(1 − ŷ)]"))
    key_table, key_mean = first[2].empty(), first[2].empty()
    left, right = st.columns(2)
    acc_box, other_fit = left.empty(), right.empty()
    fit_box, boundary_box = (other_fit, key_fit) if two else (key_fit, other_fit)
else:
    left, right = st.columns(2)
    loss_box, acc_box = left.empty(), left.empty()
    fit_box, boundary_box = right.empty(), right.empty()
    key_table = key_mean = None
st.subheader(_("BCE, worked through for the current batch"))
formula, note = st.columns(2, vertical_alignment="center")  # the formula, uncut at 1280 px
formula.latex(BCE)
note.markdown(_("Each log is clamped at −100, as `nn.BCELoss` does, so ŷ = 0 or 1 costs "
                "100 instead of infinity. The batch loss is the **mean** of ℓₙ "
                "(or the **sum**, the slides' `size_average=False`)."))
table_box, mean_box = st.empty(), st.empty()  # the table at full width: every column shows
st.subheader(_("Parameters"))
params_box, gap_box, note_box = st.empty(), st.empty(), st.empty()
st.subheader(_("Loss landscape"))
batch_surface = st.toggle(_("Show the current mini-batch's surface (where SGD's noise comes "
                            "from)"), key="logistic.batch_surface")
landscape_box = st.empty()


def draw(run, step):
    """The curves and the fit, from the run's own data (the page may show other settings)."""
    data, model = run.data, first_model(run)  # in lockstep both agree; show the first
    sized = view.sized  # lower in lecture mode, where they share the first screen
    chart(loss_box, sized(charts.curves(  # a lecture's narrow column: a short title
        run.history, "loss",
        _("Loss (mean BCE)") if view.on else _("Loss (mean BCE per example)"), "BCE")))
    chart(acc_box, sized(charts.curves(run.history, "acc", _("Accuracy (threshold 0.5)"),
                                       _("accuracy"))))
    X = data.features(data.X_train[:charts.MAX_POINTS])
    y = data.y_train[:charts.MAX_POINTS]
    if data.num_features == 1:
        chart(fit_box, sized(logistic_figures.sigmoid_1d(model, X, y, data.feature_names[0])))
    else:
        chart(fit_box, sized(logistic_figures.sigmoid_z(model, X, y)))
    if data.num_features == 2:
        chart(boundary_box, sized(logistic_figures.decision_boundary(
            model, X, y, data.feature_names, data.true_params)))
    draw_notes(run, model)


def first_model(run):
    return run.models[next(iter(run.models))]


def draw_details(run, step):
    model = first_model(run)
    draw_table(run, model, step)
    frame = params_frame(run)
    params_box.dataframe(numbers_as_text(frame, [c for c in frame if c not in ("", "…")]),
                         hide_index=True)
    show_gap(gap_box, run)
    draw_landscape(run, model, step)


def draw_notes(run, model):
    last = run.history.latest
    if last and last.metrics[next(iter(run.models))].train_acc == 1.0:
        size = model.params()["weight"].norm().item()
        note_box.info(_("Every training example is now on the right side of the boundary: "
                        "the data is linearly separable. From here the loss can only fall by "
                        "making the weights larger (‖w‖ = {size} now), so they grow without "
                        "bound and the loss creeps toward 0 without reaching it.").format(
                            size=f"{size:.3g}"))
    else:
        note_box.empty()


def draw_landscape(run, model, step):
    use_batch, data = batch_surface and step is not None, run.data
    X = step.X if use_batch else data.features(data.X_train[:1000])
    y = step.y if use_batch else data.y_train[:1000]
    if run.path is not None:  # two parameters, w and b: the whole surface
        _updates, ws, bs = zip(*run.path.points)
        ws, bs, losses = bce_surface(X, y, charts.span(ws, least=4.0),
                                     charts.span(bs, least=4.0), reduction="mean")
        title = (_("Mean BCE over (w, b) on this mini-batch, and the path") if use_batch else
                 _("Mean BCE over (w, b) on the training set, and the path"))
        chart(landscape_box, charts.loss_surface(ws, bs, losses, run.path.points, title,
                                                 loss_title=_("mean BCE")))
    else:  # many parameters: the loss on the line from where the run started to now
        ts = [i / 20 for i in range(-5, 26)]
        losses = loss_along_line(model, X, y, run.initial, model.params(), ts)
        title = (_("Mean loss on this mini-batch, from the initial to the current parameters")
                 if use_batch else
                 _("Mean loss on the training set, from the initial to the current parameters"))
        chart(landscape_box, logistic_figures.profile(ts, losses, title))


def draw_table(run, model, step):
    data = run.data
    if step is None:  # before the first update: the first batch-sized rows
        n = min(run.config.batch_size, len(data.y_train))
        X, y = data.features(data.X_train[:n]), data.y_train[:n]
    else:
        X, y = step.X, step.y
    names = data.feature_names if data.num_features <= 4 else []
    columns, mean = bce_table(model, X, y, names, max_rows=TABLE_ROWS)
    frame = numbers_as_text(pd.DataFrame(columns))
    loss = _("loss")  # the one column named in words
    # room for "-100.0000" (the clamped log): an auto-sized column cut off its minus sign
    wide = {name: st.column_config.Column(width="medium")
            for name in ("y·log ŷ", "(1−y)·log(1−ŷ)", loss)}
    table_box.dataframe(frame.rename(columns={"loss": loss}), hide_index=True,
                        column_config=wide)
    n, size = len(y), len(y) if step is None else step.rows
    mean_box.markdown(mean_line(n, size).format(n=n, size=size, rows=TABLE_ROWS,
                                                mean=human(mean)))
    if key_table is not None:  # lecture mode: y, ŷ and ℓ of a few, in large type
        few = frame[["y", "ŷ", "loss"]].head(lecture.TABLE_ROWS).rename(columns={"loss": "ℓ"})
        key_table.table(few.assign(y=[f"{v:g}" for v in y[:len(few)].tolist()]),
                        hide_index=True)
        # the whole batch, not the rows
        key_mean.markdown(_("Batch mean: **{mean}**").format(mean=human(mean)))


def mean_line(n, size):
    """The sentence under the table, for n rows of a batch of `size`: {n}, {size}, {rows},
    {mean} to fill in. One whole sentence for each case: the words go in another order in
    Chinese."""
    if n == size:
        if n > TABLE_ROWS:
            return _("Mean over the batch (the first {rows} shown): **{mean}**, with the "
                     "current parameters.")
        return _("Mean over the batch (all shown): **{mean}**, with the current parameters.")
    if n > TABLE_ROWS:
        return _("Mean over the first {n} rows of the batch of {size} (the first {rows} "
                 "shown): **{mean}**, with the current parameters.")
    return _("Mean over the first {n} rows of the batch of {size} (all shown): **{mean}**, "
             "with the current parameters.")


def params_frame(run):
    rows, names = [], run.data.feature_names
    for impl in run.models:
        p = run.params(impl)
        rows.append({"": _(charts.IMPL_NAMES.get(impl, impl)),
                     **_named(names, p["weight"].reshape(-1).tolist(), p["bias"].item())})
    if run.data.true_params:  # known for synthetic (and dropped when standardized)
        w, b = run.data.true_params["weight"][0], run.data.true_params["bias"][0]
        rows.append({"": _(logistic_figures.LINE_NAMES["true"]), **_named(names, w, b)})
    return pd.DataFrame(rows)


def _named(names, weights, bias):
    names = names if len(weights) <= 8 else [f"w{i}" for i in range(len(weights))]
    cells = {f"w[{n}]": w for n, w in zip(names[:8], weights[:8])}
    if len(weights) > 8:
        more = len(weights) - 8
        cells["…"] = ngettext("{n} more", "{n} more", more).format(n=more)
    cells["b"] = bias
    return cells


panel.show(draw, draw_details)
page_end.show(panel, layout=view, code={
    "manual": (_("plain tensors, hand-written sigmoid, BCE and SGD. The sigmoid is computed "
                 "in two halves because the textbook `sigmoid_naive`, shown last and not used, "
                 "breaks: exp(−z) overflows for z < −88 and its gradient there is nan. Both "
                 "the sigmoid and BCE define their own backward, as torch.sigmoid and "
                 "`nn.BCELoss` do, so the twins agree even where the sigmoid saturates:"),
               (LogisticManual, Sigmoid, sigmoid, BinaryCrossEntropy, bce_per_example, bce,
                sigmoid_naive)),
    "nn": ("`nn.Linear`, `nn.BCELoss`, `optim.SGD`:", (LogisticNN,)),  # code and names only
})
