"""Logistic regression: the heart of the lab."""
import pandas as pd
import streamlit as st

from lab.config import RunConfig
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
# room for "-100.0000" (the clamped log): an auto-sized column cut off its minus sign
TABLE_COLUMNS = {name: st.column_config.Column(width="medium")
                 for name in ("y·log ŷ", "(1−y)·log(1−ŷ)", "loss")}

view = lecture.Layout("logistic")
with view.head:
    st.title("Logistic regression")
    st.markdown(
        "A linear score **z = w·x + b** squashed by the sigmoid into a probability "
        "**ŷ = σ(z)**, trained by gradient descent on the binary cross-entropy. "
        "Pick a dataset and an implementation, press **Train**, and watch it learn. "
        "The course's four steps run on every batch: *forward* (ŷ), *loss* (BCE), "
        "*backward* (autograd fills the gradients), *update* (w ← w − lr·∂L/∂w).")
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
        st.caption("Tip: breast-cancer's features range from 0.001 to 4000; turn on "
                   "**Standardize features** or the sigmoid saturates at once.")

panel = Panel("logistic", config, data)
panel.buttons(view)
BCE = r"\ell_n=-\big[y_n\log\hat y_n+(1-y_n)\log(1-\hat y_n)\big]"
if view.on:  # the first screen: the loss, the fit (or the boundary), the batch's BCE
    first = view.row(panel)
    two = panel.run.data.num_features == 2
    loss_box, key_fit = first[0].empty(), first[1].empty()
    first[2].markdown("**BCE per example**, ℓ = −[y·log ŷ + (1 − y)·log(1 − ŷ)]")
    key_table, key_mean = first[2].empty(), first[2].empty()
    left, right = st.columns(2)
    acc_box, other_fit = left.empty(), right.empty()
    fit_box, boundary_box = (other_fit, key_fit) if two else (key_fit, other_fit)
else:
    left, right = st.columns(2)
    loss_box, acc_box = left.empty(), left.empty()
    fit_box, boundary_box = right.empty(), right.empty()
    key_table = key_mean = None
st.subheader("BCE, worked through for the current batch")
formula, note = st.columns(2, vertical_alignment="center")  # the formula, uncut at 1280 px
formula.latex(BCE)
note.markdown("Each log is clamped at −100, as `nn.BCELoss` does, so ŷ = 0 or 1 costs "
              "100 instead of infinity. The batch loss is the **mean** of ℓₙ "
              "(or the **sum**, the slides' `size_average=False`).")
table_box, mean_box = st.empty(), st.empty()  # the table at full width: every column shows
st.subheader("Parameters")
params_box, gap_box, note_box = st.empty(), st.empty(), st.empty()
st.subheader("Loss landscape")
batch_surface = st.toggle("Show the current mini-batch's surface (where SGD's noise comes from)",
                          key="logistic.batch_surface")
landscape_box = st.empty()


def draw(run, step):
    """The curves and the fit, from the run's own data (the page may show other settings)."""
    data, model = run.data, first_model(run)  # in lockstep both agree; show the first
    sized = view.sized  # lower in lecture mode, where they share the first screen
    chart(loss_box, sized(charts.curves(  # a lecture's narrow column: a short title
        run.history, "loss", "Loss (mean BCE)" if view.on else "Loss (mean BCE per example)",
        "BCE")))
    chart(acc_box, sized(charts.curves(run.history, "acc", "Accuracy (threshold 0.5)",
                                       "accuracy")))
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
        note_box.info(f"Every training example is now on the right side of the boundary: the data "
                      f"is linearly separable. From here the loss can only fall by making the "
                      f"weights larger (‖w‖ = {size:.3g} now), so they grow without bound and "
                      f"the loss creeps toward 0 without reaching it.")
    else:
        note_box.empty()


def draw_landscape(run, model, step):
    use_batch, data = batch_surface and step is not None, run.data
    X = step.X if use_batch else data.features(data.X_train[:1000])
    y = step.y if use_batch else data.y_train[:1000]
    where = "this mini-batch" if use_batch else "the training set"
    if run.path is not None:  # two parameters, w and b: the whole surface
        _, ws, bs = zip(*run.path.points)
        ws, bs, losses = bce_surface(X, y, charts.span(ws, least=4.0),
                                     charts.span(bs, least=4.0), reduction="mean")
        chart(landscape_box, charts.loss_surface(
            ws, bs, losses, run.path.points, f"Mean BCE over (w, b) on {where}, and the path",
            loss_title="mean BCE"))
    else:  # many parameters: the loss on the line from where the run started to now
        ts = [i / 20 for i in range(-5, 26)]
        losses = loss_along_line(model, X, y, run.initial, model.params(), ts)
        chart(landscape_box, logistic_figures.profile(
            ts, losses, f"Mean loss on {where}, from the initial to the current parameters"))


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
    table_box.dataframe(frame, hide_index=True, column_config=TABLE_COLUMNS)
    size = len(y) if step is None else step.rows
    over = "the batch" if len(y) == size else f"the first {len(y)} rows of the batch of {size}"
    shown = f"the first {TABLE_ROWS} shown" if len(y) > TABLE_ROWS else "all shown"
    mean_box.markdown(f"Mean over {over} ({shown}): **{human(mean)}**, "
                      f"with the current parameters.")
    if key_table is not None:  # lecture mode: y, ŷ and ℓ of a few, in large type
        few = frame[["y", "ŷ", "loss"]].head(lecture.TABLE_ROWS).rename(columns={"loss": "ℓ"})
        key_table.table(few.assign(y=[f"{v:g}" for v in y[:len(few)].tolist()]),
                        hide_index=True)
        key_mean.markdown(f"Batch mean: **{human(mean)}**")  # the whole batch, not the rows


def params_frame(run):
    rows, names = [], run.data.feature_names
    for impl in run.models:
        p = run.params(impl)
        rows.append({"": impl, **_named(names, p["weight"].reshape(-1).tolist(),
                                        p["bias"].item())})
    if run.data.true_params:  # known for synthetic (and dropped when standardized)
        w, b = run.data.true_params["weight"][0], run.data.true_params["bias"][0]
        rows.append({"": "true", **_named(names, w, b)})
    return pd.DataFrame(rows)


def _named(names, weights, bias):
    names = names if len(weights) <= 8 else [f"w{i}" for i in range(len(weights))]
    cells = {f"w[{n}]": w for n, w in zip(names[:8], weights[:8])}
    if len(weights) > 8:
        cells["…"] = f"{len(weights) - 8} more"
    cells["b"] = bias
    return cells


panel.show(draw, draw_details)
page_end.show(panel, layout=view, code={
    "manual": ("plain tensors, hand-written sigmoid, BCE and SGD. The sigmoid is computed "
               "in two halves because the textbook `sigmoid_naive`, shown last and not used, "
               "breaks: exp(−z) overflows for z < −88 and its gradient there is nan. Both "
               "the sigmoid and BCE define their own backward, as torch.sigmoid and "
               "`nn.BCELoss` do, so the twins agree even where the sigmoid saturates:",
               (LogisticManual, Sigmoid, sigmoid, BinaryCrossEntropy, bce_per_example, bce,
                sigmoid_naive)),
    "nn": ("`nn.Linear`, `nn.BCELoss`, `optim.SGD`:", (LogisticNN,)),
})
