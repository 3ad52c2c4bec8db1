"""The lesson panel: the lessons that belong to a page, under its title, closed until opened.

Open, it shows one step as the Lessons page does (ui.lessons.show_step) and shares that
page's session state: a prediction or a reveal made here is there, and back; Back and
Next stay within this page's lessons and move the Lessons page along with them. It never
touches the URL, which on a training page holds its settings; "Open in Lessons" links to
the step instead.

Its buttons take no keys: on a training page the keys drive the run (T, P, S, 0), and
B, V, N there too would give one page two sets, one of them hidden in a panel, where V
starts a training run of its own. The Lessons page keeps them.
"""
import streamlit as st

from lab.i18n import _
from lab.lessons import LESSONS
from ui import lessons

NAME = "lessons.panel"          # its widgets' keys: lessons.panel.back, lessons.panel.<page>
OPEN = "lessons.panel.open"     # page → whether its panel was left open
PLACES = "lessons.panel.places"  # page → (lesson, step) its panel showed last


def on_page(page):
    """Indices of the lessons that belong to views/<page>.py, in the course's order."""
    return tuple(i for i, lesson in enumerate(LESSONS) if lesson.page == f"views/{page}.py")


def place(page, scope):
    """The step to show: where the learner is if it is one of this page's lessons, else
    where this panel was last, else the first step of the page's first lesson."""
    at = lessons.position()
    if at[0] not in scope:
        at = st.session_state.get(PLACES, {}).get(page, (scope[0], 0))
    st.session_state.setdefault(PLACES, {})[page] = at
    return at


def show(page):
    """The panel of views/<page>.py, if any lesson belongs to it. Its content runs only
    while it is open (a folded panel costs the page nothing)."""
    scope = on_page(page)
    if not scope:
        return
    at = place(page, scope)
    lesson = LESSONS[at[0]]
    key = f"{NAME}.{page}"
    # The label names the lesson, and a new label is a new expander to Streamlit: it opens
    # as the learner left it (OPEN), not closed by a Next into another lesson or a visit
    # to another page. The target is in the label: as an icon its box cut it by 2 px.
    opened = st.session_state.setdefault(OPEN, {})
    box = st.expander(_("🎯 Predict, then run: lesson {lesson} · {title}").format(
                          lesson=at[0] + 1, title=_(lesson.title)),
                      expanded=opened.get(page, False), key=key, on_change="rerun")
    opened[page] = bool(box.open)
    if not box.open:
        return
    with box:
        st.caption(_("{experiment} · step {step} of {steps} · {intro}").format(
            experiment=lesson.experiment, step=at[1] + 1, steps=len(lesson.steps),
            intro=_(lesson.intro)))
        # Half and half: inside the expander's border, at 1280 px, 5:6 cut a metric's label
        lessons.show_step(at, scope, name=NAME, keys=False, widths=(1, 1))
        st.page_link("views/lessons.py", label=_("Open in Lessons"), icon=":material/school:",
                     query_params={"lesson": str(at[0] + 1), "step": str(at[1] + 1)})

