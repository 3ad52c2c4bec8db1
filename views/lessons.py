"""Lessons: predict, then run the real thing, then compare (issue 12).

One short lesson per course experiment, in the course's order (lab.lessons holds them as
data). Each step asks a question; the learner commits to a prediction; Reveal runs a real
lab.train Run or PyTorch call and puts its answer beside the prediction, with why.
"""
import streamlit as st

from lab.lessons import LESSONS
from ui import lecture
from ui import lessons as ui

view = lecture.Layout("lessons")
with view.head:
    st.title("Lessons")
    st.markdown("One short lesson per experiment of the course. Each step asks a question: "
                "**commit to a prediction first**, then press **Reveal** and the lab runs the "
                "real thing, a training run or a PyTorch call, and puts its answer beside "
                "yours. Go **Back** to change a prediction: the run's answer stays as it was. "
                "Keys: **B** back, **V** reveal, **N** next.")
ui.adopt_link(view.notes)
ui.picker(view.settings)
lesson_i, step_i = ui.position()
lesson, step = LESSONS[lesson_i], LESSONS[lesson_i].steps[step_i]
ui.write_link()

where = view.views if view.on else st.container()
if view.on:
    ui.buttons(view.buttons)
    view.status.markdown(f"**Lesson {lesson_i + 1}** · {lesson.experiment} · {lesson.title}"
                         f" · step {step_i + 1} of {len(lesson.steps)}")
with where:
    if not view.on:
        st.header(f"{lesson_i + 1} · {lesson.title}")
        st.caption(f"{lesson.experiment} · step {step_i + 1} of {len(lesson.steps)}")
        st.markdown(lesson.intro)
    left, right = st.columns([5, 6], gap="large")
    with left:
        if view.on:
            st.caption(lesson.intro)
        st.markdown(f"**{step.question}**")
        prediction = ui.predict(lesson, step_i)
        if not view.on:
            ui.buttons(st.container(horizontal=True), keys=True)
        result = ui.result_of(lesson, step_i)
        if result is not None and prediction is not None:
            ui.comparison(step, prediction, step.read(result))
            st.info(step.why, icon=":material/lightbulb:")
        elif result is None:
            st.caption("Commit to a prediction, then press **Reveal**.")
    with right:
        if result is not None and prediction is not None:
            ui.reveal(step, prediction, result,
                      sized=lambda spec: view.sized(spec, title=spec["title"]))
    if result is not None and step_i == len(lesson.steps) - 1:
        ui.tally(lesson)

if not view.on:
    st.page_link(lesson.page, label="Explore it yourself on its page",
                 icon=":material/open_in_new:")
