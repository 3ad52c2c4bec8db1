"""Linear regression (C6): the line moving, the loss landscape, the grads sample by sample."""
import pandas as pd
import streamlit as st

from lab.config import RunConfig
from lab.i18n import N_, _
from lab.models.functions import mse
from lab.instruments.landscape import least_squares, mse_along, mse_surface
from lab.models.linear import LinearManual, LinearNN, predict
from lab.instruments.linear_trace import LinearTrace, road, sample_grads
from lab.numbers import human
from lab.train import Run, train
from ui import charts, lecture, lesson_panel, linear_figures, page_end
from ui.charts import chart, show_gap
from ui.controls import FULL_BATCH, LEARNING_RATES, run_settings
from ui.datasets import cached_dataset
from ui.panel import Panel

X_NEW = 4.0  # the notes' question: how many points after 4 hours?
DEFAULTS = RunConfig(model="linear", dataset="hours-points", impl="nn", lr=0.01,
                     batch_size=FULL_BATCH, num_epochs=1000, reduction="sum")  # the notes' nn run
GRID = 31  # cells per side of the (w, b) heatmap: smooth enough, cheap to redraw
FIT_HEIGHT = 220  # lecture mode: the line shares its column with ŷ(4)
LOSS_TITLES = {"sum": N_("loss Σ(ŷ − y)²"), "mean": N_("loss: mean of (ŷ − y)²")}

view = lecture.Layout("linear")
with view.head:
    st.title(_("Linear regression"))
    st.markdown(_(
        "The revision before logistic regression: fit a line **ŷ = w·x + b** to three points "
        "(hours studied → points) by gradient descent on the squared error, then answer the "
        "notes' question: *how many points after 4 hours?* Every batch runs the course's four "
        "steps: *forward* (ŷ), *loss* (MSE), *backward* (autograd fills `w.grad`, `b.grad`), "
        "*update* (w ← w − lr·∂L/∂w)."))
    st.latex(r"\hat y=w\,x+b\qquad L=\sum_{n}(\hat y_n-y_n)^2\ \ (\text{sum; mean: }\tfrac1N\sum)"
             r"\qquad \frac{\partial \ell_n}{\partial w}=2x_n(\hat y_n-y_n),\ "
             r"\frac{\partial \ell_n}{\partial b}=2(\hat y_n-y_n)")
    lesson_panel.show("linear")

with view.settings:
    config = run_settings("linear", "linear", ["hours-points"], DEFAULTS, omit=("standardize",),
                          notes=view.notes, narrow=view.on)
    data = cached_dataset(config.dataset, config.seed, config.standardize)
    st.caption(_("Tip: with the sum and the full batch, learning rates above about 0.06 "
                 "overshoot the valley and diverge; 0.01 walks down it slowly. Batch size 1 is "
                 "the notes' manual loop, one sample per update."))


def current(run):
    """(w, b) of the first twin (in lockstep both agree), as floats."""
    p = run.params(next(iter(run.models)))
    return p["weight"].item(), p["bias"].item()


def trace_of(run):
    """This run's trace; a new run starts one from its initial parameters."""
    kept = st.session_state.get("linear.trace")
    if kept is None or kept[0] is not run:
        start = current(run)
        if run.updates <= 1:  # not trained yet, or just after its first update
            start = run.initial["weight"].item(), run.initial["bias"].item()
        kept = (run, LinearTrace(*start))
        st.session_state["linear.trace"] = kept
    return kept[1]


panel = Panel("linear", config, data)
panel.on_step = lambda step: trace_of(panel.run).record(  # for the road and the grad table
    step.epoch, step.X, step.y, *current(panel.run))
panel.can_standardize = False  # one feature on a fixed scale: no such setting here
panel.buttons(view)
if view.on:  # the first screen: the line and ŷ(4), the loss over w, the grads per sample
    first = view.row(panel)
    why_box = view.notes.empty()
    pred_box, fit_box, w_curve_box = first[0].empty(), first[0].empty(), first[1].empty()
    first[2].markdown(_("**The gradients, sample by sample**, newest first"))
    key_grads = first[2].empty()
    w_box, b_box, _spare = (c.empty() for c in st.columns(3))
else:
    why_box = st.empty()  # a diverged run: why, in this page's terms
    w_box, b_box, pred_box = (c.empty() for c in st.columns(3))
    key_grads = None
gap_box = st.empty()
left, right = st.columns(2)
if view.on:
    loss_box, surface_box = left.empty(), right.empty()
else:
    fit_box, loss_box = left.empty(), right.empty()
    w_curve_box, surface_box = left.empty(), right.empty()
    left.caption(_("Blue: the loss for every w, with b held where it is now. Grey: the loss "
                   "the run had at each update, with the b it had then. They meet at the "
                   "magenta point."))
right.caption(_("Darker is lower. The valley runs along 2w + b = 4 (lines through the middle "
                "point, x = 2, y = 4): gradient descent drops into it fast, then crawls along "
                "it to the best fit, w = 2, b = 0."))
st.subheader(_("The gradients, sample by sample"))
st.markdown(_("As the notes print `grad: x y w.grad`: each sample's loss ℓ = (ŷ − y)² and "
              "its gradients at the (w, b) it saw, newest first. An update moves (w, b) by "
              "−lr times the **sum** of its rows (or their **mean**, with mean reduction)."))
grads_box = st.empty()


def draw(run, step):
    w, b = current(run)
    w_box.metric("w", human(w))
    b_box.metric("b", human(b))
    y_new = predict(run.models[next(iter(run.models))], X_NEW)
    off = human(y_new - 2 * X_NEW)
    pred_box.metric(f"ŷ({X_NEW:g}) = {X_NEW:g}·w + b", human(y_new), delta_color="off",
                    # TRANSLATORS: keep {change} first: its sign sets the metric's arrow
                    delta=_("{change} from {target}").format(
                        change=f"{'' if off.startswith('-') else '+'}{off}",
                        target=f"{2 * X_NEW:g}"))
    show_gap(gap_box, run)
    X, y = run.data.X_train, run.data.y_train  # what the run learns from, not the widgets
    chart(fit_box, view.sized(linear_figures.fit_line(w, b, X, y, X_NEW), FIT_HEIGHT,
                              title=_("The fit")))
    chart(loss_box, linear_figures.log_loss_axis(charts.curves(
        run.history, "loss", _("Loss per epoch (mean over the examples)"),
        _("MSE (log scale)"))))
    if run.diverged:  # the panel said what happened; this says why, with this page's controls
        why_box.info(linear_figures.why_diverged(run, LEARNING_RATES), icon="💡")
    else:
        why_box.empty()


def draw_details(run, step):
    draw_landscape(run, road(run))
    draw_grads(trace_of(run))


def draw_landscape(run, path):
    X, y, reduction = run.data.X_train, run.data.y_train, run.config.reduction
    best = least_squares(X, y)
    w_range = charts.span([*path[1].tolist(), best[0]])  # the whole road, and the best fit
    b_range = charts.span([*path[2].tolist(), best[1]])
    keep = charts.drawn(len(path[0]))  # drawn: the first, the newest and enough between
    updates, ws, bs = [path[0][i] for i in keep], path[1][keep], path[2][keep]
    losses = mse_along(X, y, ws, bs, reduction)
    w_grid, curve = mse_surface(X, y, w_range, b=bs[-1].item(), reduction=reduction)
    chart(w_curve_box, view.sized(linear_figures.loss_over_w(
        w_grid, curve, (updates, ws, losses), (ws[-1].item(), losses[-1].item()),
        _(LOSS_TITLES[reduction])), title=_("Loss over w")))
    w_grid, b_grid, grid = mse_surface(X, y, w_range, b_range, steps=GRID, reduction=reduction)
    chart(surface_box, charts.loss_surface(
        w_grid, b_grid, grid, list(zip(updates, ws.tolist(), bs.tolist())),
        _("Loss over (w, b) and the road of gradient descent"),
        loss_title=_(LOSS_TITLES[reduction]),
        color_scale="sqrt", best=best))


def draw_grads(trace):
    rows = sample_grads(trace.samples)[::-1]
    if not rows:
        grads_box.info(_("Press **Step** or **Train**: each update adds its samples here."))
        if key_grads is not None:
            key_grads.caption(_("Press **Step**: each update adds its samples here."))
        return
    grads_box.dataframe(linear_figures.grad_table(rows), hide_index=True, height=320)
    if key_grads is not None:  # lecture mode: each sample and its two gradients, large
        few = [{"x": f"{r['x']:g}", "∂ℓ/∂w": f"{r['grad_w']:.3g}", "∂ℓ/∂b": f"{r['grad_b']:.3g}"}
               for r in rows[:lecture.TABLE_ROWS]]
        key_grads.table(pd.DataFrame(few), hide_index=True)


panel.show(draw, draw_details)
page_end.show(panel, layout=view, code={
    "manual": (_("plain tensors, hand-written MSE and SGD:"), (LinearManual, mse)),
    "nn": (_("`nn.Linear`, `nn.MSELoss`, `optim.SGD`:"), (LinearNN,)),
}, loop=(_("**The grads table**, by autograd, and **the training loop**:"),
         (sample_grads, train, Run.batches)))
