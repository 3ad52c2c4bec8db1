"""What every training page ends with, below its live view: the last Step in four stages,
this session's runs (to overlay, export and delete), and the code that is running."""
import streamlit as st

from lab.i18n import N_, _
from lab.train import Run, train
from ui import runs, stepthrough
from ui.controls import IMPL_LABELS, show_source

TRAINING_LOOP = (N_("**The training loop** that calls `train_step` batch after batch:"),
                 (train, Run.batches))


def show(panel, code, loop=TRAINING_LOOP, step_box=None, layout=None):
    """The end of a training page, drawn after panel.show (so from the run as trained).

    code: each twin ("manual", "nn") → (what it is, the objects whose source is shown);
    loop: the same for the loop that trains them. The words are marked with N_() and
    translated here. step_box: a container higher up the
    page for the last Step, under its own heading (else it comes here). layout: the
    page's ui.lecture.Layout; in lecture mode the Step is also told beside the charts.
    """
    run = panel.run
    runs.keep(panel.page, run)
    if layout is not None and layout.narration is not None:
        stepthrough.narrate(layout.narration, panel.state.explained, run.config.model,
                            class_names=run.data.class_names)
    if step_box is None:
        st.subheader(_("The last Step, in four stages"))
        step_box = st.container()
    with step_box:
        stepthrough.show(panel.state.explained, run.config.model, run.data.feature_names,
                         run.config.lr, class_names=run.data.class_names)
    st.subheader(_("Runs in this session"))
    runs.show(panel.page)
    with st.expander(_("The code that is running"), expanded=False):
        for impl, (what, objects) in code.items():
            if impl in run.models:
                st.markdown(_("**{impl}** — {what}").format(impl=_(IMPL_LABELS[impl]),
                                                              what=_(what)))
                show_source(*objects)
        what, objects = loop
        st.markdown(_(what))
        show_source(*objects)
