"""Lessons: predict, then run the real thing, then compare (issue 12).

One short lesson per course experiment, in the course's order (lab.lessons holds them as
data). Each step asks a question; the learner commits to a prediction; Reveal runs a real
lab.train Run or PyTorch call and puts its answer beside the prediction, with why.
"""
import streamlit as st

from lab.i18n import _
from lab.lessons import LESSONS
from ui import lecture
from ui import lessons as ui

view = lecture.Layout("lessons")
with view.head:
    st.title(_("Lessons"))
    st.markdown(_("One short lesson per experiment of the course. Each step asks a question: "
                  "**commit to a prediction first**, then press **Reveal** and the lab runs "
                  "the real thing, a training run or a PyTorch call, and puts its answer "
                  "beside yours. Go **Back** to change a prediction: the run's answer stays "
                  "as it was. Keys: **B** back, **V** reveal, **N** next."))
ui.adopt_link(view.notes)
ui.picker(view.settings)
lesson_i, step_i = ui.position()
lesson = LESSONS[lesson_i]
ui.write_link()

where = view.views if view.on else st.container()
if view.on:
    ui.buttons(view.buttons, (lesson_i, step_i))
    view.status.markdown(_("**Lesson {lesson}** · {experiment} · {title} · step {step} of "
                           "{steps}").format(lesson=lesson_i + 1, experiment=lesson.experiment,
                                             title=_(lesson.title), step=step_i + 1,
                                             steps=len(lesson.steps)))
with where:
    if not view.on:
        st.header(f"{lesson_i + 1} · {_(lesson.title)}")
        st.caption(_("{experiment} · step {step} of {steps}").format(
            experiment=lesson.experiment, step=step_i + 1, steps=len(lesson.steps)))
        st.markdown(_(lesson.intro))
    ui.show_step((lesson_i, step_i), buttons_here=not view.on, intro=view.on,
                 sized=lambda spec: view.sized(spec, title=spec["title"]))

if not view.on:
    st.page_link(lesson.page, label=_("Explore it yourself on its page"),
                 icon=":material/open_in_new:")
