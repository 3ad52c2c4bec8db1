"""Softmax regression: k classes, each class's weights as a picture, the cross-entropy worked."""
import pandas as pd
import streamlit as st
import torch

from lab.config import RunConfig
from lab.data.imagefiles import SOURCES
from lab.i18n import N_, _
from lab.instruments.evaluation import confident_mistakes, confusion_matrix, probs_on_test_split
from lab.instruments.explain import cross_entropy_table
from lab.models.functions import (cross_entropy, cross_entropy_per_example, log_softmax, row_max,
                                  softmax, softmax_naive)
from lab.models.softmax import SoftmaxManual, SoftmaxNN
from ui import charts, lecture, lesson_panel, owndata, page_end
from ui import softmax_figures as sf
from ui.charts import chart, show_gap
from ui.controls import available, run_settings, show_source
from ui.panel import STEP_ROWS_KEPT, Panel
from ui.text import numbers_as_text, plain, short_labels

DATASETS = available(["digits", "iris3", "mnist", "fashion-mnist", "cifar10"]) + [owndata.CHOICE]
DEFAULTS = RunConfig(model="softmax", dataset="digits", lr=0.5, batch_size=32,
                     num_epochs=20)  # digits: test accuracy ≥ 0.95 within 20 epochs
EXAMPLES = 4          # examples of the batch drawn with their probabilities
TABLE_ROWS = 8        # examples of the batch in the table
WEIGHTS_PER_ROW = 5   # weight pictures side by side
MISTAKES = 8          # most confidently wrong test examples shown
LOSS_HEIGHT = 260     # lecture mode: the loss shares its column with the accuracy
CHEAP = 500_000       # test pixels (rows × features) cheap enough to rescore at every redraw
NOTES = {
    "fashion-mnist": N_("The course's C4: batch 256, lr 0.1, hand-made or torch.nn; test "
                        "accuracy about 0.82–0.84 after a few epochs."),
    "iris3": N_("Tip: the four measurements are in cm on different scales; **Standardize** "
                "helps, or a smaller learning rate."),
}

view = lecture.Layout("softmax")
with view.head:
    st.title(_("Softmax regression"))
    st.markdown(_(
        "Logistic regression for **k classes**: one linear score per class, **z = W·x + b** "
        "(W holds a row of weights per class), turned into probabilities by the **softmax** and "
        "trained by gradient descent on the **cross-entropy**, −log of the probability given to "
        "the true class. Every batch runs the course's four steps: *forward* (z, then p), "
        "*loss*, *backward* (autograd fills the gradients), *update* (W ← W − lr·∂L/∂W)."))
    st.latex(r"p_j=\mathrm{softmax}(z)_j=\frac{e^{z_j}}{\sum_{c=1}^{k} e^{z_c}}\qquad "
             r"\ell_n=-\log p_{y_n}\qquad L=\frac{1}{N}\sum_{n=1}^{N}\ell_n")
    st.markdown(_("The course picks each row's true-class probability with `gather`: "
                  "`-log_probs.gather(1, y.view(-1, 1))` takes column `y[i]` of row `i`."))
    lesson_panel.show("softmax")


def use_digits():
    st.session_state["softmax.dataset"] = "digits"


with view.settings:
    config = run_settings("softmax", "softmax", DATASETS, DEFAULTS, notes=view.notes,
                          narrow=view.on)
    if config.dataset in SOURCES and config.standardize:
        config = config.with_(standardize=False)
        st.caption(_("Standardize stays off for this set: its pixels already share one "
                     "scale, [0, 1], and a standardized copy would cost the server 4× the "
                     "memory."))
    config, data = owndata.page_dataset("softmax", config, tasks=("multiclass",))
    if data is None:  # the page has said why
        if config.dataset != owndata.CHOICE:  # a torchvision set that cannot be had
            st.button(_("Use the bundled digits instead"), key="softmax.use_digits",
                      on_click=use_digits)
        view.stop()
    if not config.dataset.startswith("csv:"):  # an upload has its caption above already
        note = NOTES.get(config.dataset)
        st.caption(" ".join([_(data.description), _(note) if note else ""]))  # a CSV's is its own

panel = Panel("softmax", config, data)
panel.buttons(view)
if view.on:  # the first screen: the loss and accuracy, the weights, the worked cross-entropy
    first = view.row(panel, widths=(1, 1.25, 1))  # room for the pictures
    loss_box, key_acc = first[0].empty(), first[0].empty()
    first[1].markdown(_("**The weights of each class**"))
    with first[1].container(key="softmax-weights"):
        weights_box = st.empty()
    first[2].markdown(_("**Cross-entropy per example**, ℓ = −log p[y]"))
    key_worked, key_mean = first[2].empty(), first[2].empty()
    acc_box = st.columns(2)[0].empty()  # the accuracy's curve, below
else:
    left, right = st.columns(2)
    loss_box, acc_box = left.empty(), right.empty()
    key_acc = key_worked = key_mean = None
gap_box = st.empty()
st.subheader(_("The weights of each class"))
shape = panel.run.data.image_shape  # of the run on screen, which may predate the settings
if shape is None:
    st.caption(_("Each class's score is its row of weights times the features, plus its "
                 "bias."))
elif shape[0] == 1:
    st.caption(_("Each picture is one class's row of W laid out as an image: where it is "
                 "**red**, a bright pixel raises that class's score; where it is **blue**, it "
                 "lowers it; white is 0. One colour scale for every class."))
else:
    st.caption(_("Each picture is one class's row of W as an image, each colour channel "
                 "around mid-grey (0): the colour pattern that raises that class's score."))
if not view.on:
    with st.container(key="softmax-weights"):
        weights_box = st.empty()
st.subheader(_("On the test split"))
matrix_col, wrong_col = st.columns(2)
with matrix_col.container(key="softmax-confusion"):
    matrix_box = st.empty()
matrix_note = matrix_col.empty()
wrong_col.markdown(_("**The most confidently wrong test examples**"))
wrong_box = wrong_col.empty()
st.subheader(_("Cross-entropy, worked through for the current batch"))
examples_box = st.empty()
table_box, mean_box = st.empty(), st.empty()
st.subheader(_("The last Step, in four stages"))
step_box = st.container()  # filled after training: the Step is taken in panel.show


def draw(run, step):
    model = run.models[next(iter(run.models))]  # in lockstep both agree; show the first
    chart(loss_box, view.sized(charts.curves(  # a lecture's narrow column: a short title
        run.history, "loss", _("Loss (mean cross-entropy per example)"), _("cross-entropy")),
        LOSS_HEIGHT, title=_("Loss")))
    chart(acc_box, charts.curves(run.history, "acc", _("Accuracy (the most probable class)"),
                                 _("accuracy")))
    if key_acc is not None:  # lecture mode: the accuracy as numbers under the loss
        key_acc.markdown(accuracy_now(run))
    show_gap(gap_box, run)
    draw_weights(run.data, model)


def accuracy_now(run):
    """The newest accuracy on each split, in words."""
    last = run.history.latest
    if last is None:
        return _("Accuracy: not trained yet")
    m = last.metrics[next(iter(run.models))]
    splits = [(_("train **{acc}**"), m.train_acc), (_("test **{acc}**"), m.test_acc)]
    return _("Accuracy {splits}").format(splits=" · ".join(
        said.format(acc=f"{v:.1%}") for said, v in splits if v is not None))


def draw_details(run, step):
    model = run.models[next(iter(run.models))]
    draw_test(run, model)
    draw_worked(run, model, step)


def draw_weights(data, model):
    W = model.params()["weight"]                     # (k, d)
    if data.image_shape is None:
        chart(weights_box, sf.weights_heatmap(W, data.feature_names, data.class_names))
        return
    grid = weights_box.container()
    pictures = sf.weight_images(W, data.image_shape, size=None)
    for start in range(0, data.num_classes, WEIGHTS_PER_ROW):  # big enough for a projector
        cols = grid.columns(WEIGHTS_PER_ROW, gap="xxsmall" if view.on else "small")
        for col, name, picture in zip(cols, short_labels(data.class_names)[start:],
                                      pictures[start:]):
            col.image(sf.png(picture, sf.WEIGHT_PX), width="stretch", output_format="PNG")
            col.markdown(f"{'**' if view.on else '#### '}{plain(name)}{'**' if view.on else ''}",
                         text_alignment="center")


def scored_test_split(run, model):
    """(probs, update, epoch): the test split scored, again only when it is worth it.

    Small sets are rescored at every redraw; a large one (MNIST: 10 000 images)
    once an epoch while training, so redraws stay cheap and Stop responsive.
    """
    data = run.data
    cheap = data.X_test.numel() <= CHEAP
    when = ("update", run.updates) if cheap or not panel.state.running else ("epoch", run.epoch)
    kept = st.session_state.get("softmax.test_view")
    if kept is None or kept[0] is not run or kept[1] != when:
        kept = (run, when, probs_on_test_split(model, data), run.updates, run.epoch)
        st.session_state["softmax.test_view"] = kept
    return kept[2:]


def draw_test(run, model):
    data = run.data
    probs, update, epoch = scored_test_split(run, model)
    matrix = confusion_matrix(data.y_test, probs.argmax(dim=1), data.num_classes)
    chart(matrix_box, sf.confusion(matrix, data.class_names,
                                   _("Confusion matrix (test split)")))
    n, right = len(data.y_test), int(matrix.trace())
    matrix_note.caption(_(
        "All {n} test examples, with the parameters after update {update} (epoch {epoch}). "
        "A row is the true class, a column the class predicted; the diagonal holds the "
        "{right} right ({share}).").format(n=f"{n:,}", update=update, epoch=epoch,
                                           right=f"{right:,}", share=f"{right / n:.1%}"))
    draw_mistakes(data, probs)


def draw_mistakes(data, probs):
    wrong = confident_mistakes(probs, data.y_test, MISTAKES).tolist()
    if not wrong:
        wrong_box.success(_("Every test example is classified right."))
        return
    names = data.class_names
    rows = [(names[int(data.y_test[i])], names[int(probs[i].argmax())], probs[i].max().item())
            for i in wrong]  # names from a CSV are data: escaped where Markdown shows them
    if data.image_shape is None:
        columns = [_("true"), _("predicted"), _("p(predicted)")]
        frame = pd.DataFrame(rows, columns=columns)
        wrong_box.dataframe(frame.style.format({columns[2]: "{:.3f}"}), hide_index=True)
        return
    grid = wrong_box.container(horizontal=True, gap="medium")
    for k in range(MISTAKES):  # always as many cells: a redraw leaves no stale one behind
        cell = grid.container(width="content", gap=None)
        if k >= len(wrong):
            for _blank in range(2):
                cell.empty()
            continue
        truth, guess, p = rows[k]
        picture = sf.example_image(data.features(data.X_test[wrong[k]]), data.image_shape, None)
        cell.image(sf.png(picture), output_format="PNG")
        cell.markdown(_("true **{truth}**  \nsaid **{guess}**  \np = {p}").format(
            truth=plain(truth), guess=plain(guess), p=f"{p:.2f}"))


def draw_worked(run, model, step):
    data = run.data
    if step is None:  # before the first update: the first batch-sized rows
        n = min(run.config.batch_size, len(data.y_train), STEP_ROWS_KEPT)
        X, y, size = data.features(data.X_train[:n]), data.y_train[:n], n
        # TRANSLATORS: {over} of "Mean of −log p over {over} ({shown})…", below
        over = _("the first {n} training examples").format(n=n)
    else:
        X, y, size = step.X, step.y, step.rows
        over = _("the batch") if len(y) == size else _(
            "the first {rows} rows of the batch of {size}").format(rows=len(y), size=size)
        if size < run.config.batch_size and size < len(data.y_train):
            over = _("the epoch's last batch of {size} leftover examples").format(size=size)
    rows, mean = cross_entropy_table(model, X, y, max_rows=TABLE_ROWS)
    names = data.class_names
    cols = examples_box.container().columns(EXAMPLES)
    for i, col in enumerate(cols):
        if i >= len(rows["loss"]):  # a short last batch: blank, so nothing stale stays
            for _blank in range(3):
                col.empty()
            continue
        truth = int(y[i])
        if data.image_shape is not None:
            col.image(sf.png(sf.example_image(X[i], data.image_shape, None)), output_format="PNG")
        else:
            col.markdown("x = [" + ", ".join(f"{v:.2f}" for v in X[i].tolist()) + "]")
        bars = sf.probability_bars(rows["probs"][i], truth, names,
                                   _("softmax(z), example {i}").format(i=i + 1))
        chart(col, bars)
        col.markdown(f"y = **{plain(names[truth])}**  \np[y] = {rows['p_true'][i]:.4f}  \n"
                     f"−log p[y] = **{rows['loss'][i]:.4f}**")
    table_box.dataframe(worked_frame(names, rows, y), hide_index=True)
    if key_worked is not None:  # lecture mode: the true class, its p and −log p, large
        few = min(lecture.TABLE_ROWS, len(rows["loss"]))
        key_worked.table(pd.DataFrame({
            "y": [plain(names[int(c)], 16) for c in y[:few]],
            "p[y]": [f"{p:.4f}" for p in rows["p_true"][:few].tolist()],
            "ℓ": [f"{v:.4f}" for v in rows["loss"][:few].tolist()]}), hide_index=True)
        key_mean.markdown(_("Batch mean: **{mean}**").format(mean=f"{mean:.4f}"))
    shown = (_("the first {rows} shown").format(rows=TABLE_ROWS) if len(y) > TABLE_ROWS
             else _("all shown"))
    mean_box.markdown(_(
        "Mean of −log p over {over} ({shown}): **{mean}**, with the current parameters: what "
        "`nn.CrossEntropyLoss()` returns. With the sum reduction, training uses the sum, "
        "{size} × that.").format(over=over, shown=shown, mean=f"{mean:.4f}", size=size))


def worked_frame(names, rows, y):
    columns = {"#": list(range(1, len(rows["loss"]) + 1)),
               "y": [names[int(c)] for c in y[:len(rows["loss"])]],
               _("predicted"): [names[int(c)] for c in rows["probs"].argmax(dim=1)],
               "p[y]": rows["p_true"].tolist(),
               "−log p[y]": rows["loss"].tolist()}
    columns.update({f"z[{name}]": rows["logits"][:, j].tolist() for j, name in enumerate(names)})
    numbers = [c for c in columns if c.startswith(("z[", "p[", "−log"))]
    return numbers_as_text(pd.DataFrame(columns), numbers)


st.subheader(_("Why softmax subtracts the largest logit first"))
ask, answer = st.columns([1, 2])
big = ask.number_input(_("Logit z₁ (z₂ is 0)"), -5000.0, 5000.0, 1000.0, step=100.0,
                       key="softmax.caution_logit")
logits = torch.tensor([[big, 0.0]])
naive = softmax_naive(logits)
shown = lambda p: "[" + ", ".join(f"{v:.4g}" for v in p[0].tolist()) + "]"  # noqa: E731
ask.markdown(_("The course's `exp(z) / exp(z).sum()`: **{naive}**  \n"
               "Shifted by the largest logit first: **{shifted}**").format(
    naive=shown(naive), shifted=shown(softmax(logits))))
if torch.isnan(naive).any():
    answer.markdown(_("$e^z$ overflows float32 above $z \\approx 88.7$ ($e^{{88.7}} \\approx "
                      "3.4\\cdot 10^{{38}}$, the largest float32): $e^{{{big}}}$ is inf, so the "
                      "first probability is inf / inf = **nan** and the second 1 / inf = 0. "
                      "Subtracting the row's largest logit $m$ first changes nothing "
                      "mathematically (in $e^{{z-m}} / \\sum e^{{z-m}}$ the $e^{{-m}}$ cancels), "
                      "but every exponent is then ≤ 0 and exp stays finite.").format(
        big=f"{big:g}"))
else:
    answer.markdown(_("No overflow at this size: both agree. Try a logit above 88.7, where "
                      "$e^z$ passes the largest float32, $3.4\\cdot 10^{38}$."))
with answer:
    show_source(softmax_naive)

panel.show(draw, draw_details)  # trains here, if asked, redrawing the placeholders above
page_end.show(panel, step_box=step_box, layout=view, code={
    "manual": (_("plain tensors, hand-written softmax, cross-entropy and SGD:"),
               (SoftmaxManual, row_max, softmax, log_softmax, cross_entropy_per_example,
                cross_entropy)),
    "nn": (_("`nn.Linear`, `nn.CrossEntropyLoss`, `optim.SGD`:"), (SoftmaxNN,)),
})
