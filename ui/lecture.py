"""Lecture mode: a training page laid out for a projector, its toggle, and the few style
rules it needs.

A lecturer runs the lab at 1280×720, often zoomed to 150 % (853×480 CSS pixels), and talks
while driving it. In lecture mode the sidebar is out of the way; one bar holds the settings
(folded into a popover), the run buttons (each on a key) and the status; under it, in one
row, the three views that matter on the page, and after a Step the Step told in four
stages beside them. The title, the idea and the rest of the page follow one scroll below.

The mode belongs to the session (it stays on from page to page) and is kept in the URL
as `lecture=1`, so a lecturer's link opens in it.
"""
import streamlit as st

from lab.i18n import N_, _
from lab.urlstate import LINK_FLAGS
from ui import charts

STATE = "lab.lecture"  # the session's mode; not a widget key, which a page without it drops
PARAM = "lecture"
# Train, Stop, Step, Reset. Single letters, so no browser shortcut is taken, and Streamlit
# ignores them while a text or number field has the focus. R and C are Streamlit's own
# (rerun, clear cache); P pauses (Stop's icon), 0 goes back to the start as in a video player.
KEYS = {"train": "T", "stop": "P", "step": "S", "reset": "0"}
CHART_HEIGHT = 320  # px, title, axes and legend included: fits 480 px under the bar
SETTINGS_WIDTH = 640  # px: the settings in three rows, within 853 px
TABLE_ROWS = 4      # rows of a worked table in the first screen
HELP = N_("For a projector: no sidebar, the settings in a popover, the run buttons on keys "
        "(T train, P stop, S step, 0 reset) and the page's three key views on one screen. "
        "Kept in the link as lecture=1; turned off in Settings.")


def on():
    """Whether this session is in lecture mode."""
    return st.session_state.get(STATE, False)


class Layout:
    """Where the parts of a training page go, created in page order for the mode.

    head: the title and the idea; settings: the settings widgets; notes: what the page must
    tell; views: the first screen's row (lecture mode only, see row()); bar, buttons,
    status: lecture mode's bar (ui.panel.Panel.buttons fills it).
    """

    def __init__(self, page):
        _adopt_link()
        st.set_page_config(initial_sidebar_state="collapsed" if on() else "auto")
        self.on, self.narration = on(), None
        if not self.on:
            self.head, self.settings = st.container(), st.container()
            self.bar = self.buttons = self.status = self.views = None
            self.notes = st  # where the page is
            _toggle(page, st.sidebar)
            return
        st.html(STYLE)
        self.bar = st.container(horizontal=True, vertical_alignment="center", gap="small",
                                key="lecture-bar")
        # A popover is as wide as its content: a fixed width gives every label its room
        self.settings = self.bar.popover(_("Settings"), icon=":material/tune:").container(
            width=SETTINGS_WIDTH)
        self.buttons = self.bar.container(horizontal=True, width="content", gap="small")
        self.status = self.bar.container(key="lecture-status")
        _toggle(page, self.settings)  # in the popover: a bar at 853 px has no room for it
        top = st.container(gap=None)  # no gap for notes when there are none
        self.notes = top.container()  # a link's bad settings, a run's error: not in the popover
        self.views = top.container(key="lecture-views")
        self.head = st.container()

    def row(self, panel, widths=(1, 1, 1)):
        """The first screen's three columns (`widths`, relative); after a Step, a fourth
        beside them where the page's end tells that Step in four stages (self.narration)."""
        s = panel.state
        stepped = s.step_requested or s.explained  # a Step this run, or the one on screen
        columns = self.views.columns([*widths, 1.15 * max(widths)] if stepped else widths,
                                     gap="small")
        if stepped:  # as high as the charts, and scrolled if a narrow screen needs more
            self.narration = columns.pop().container(height=CHART_HEIGHT, border=False,
                                                     key="lecture-step")
        return [c.container(key=f"lecture-view-{i}") for i, c in enumerate(columns)]

    def stop(self):
        """End the page here: there is no data to train on. The page has said why with
        the settings, which lecture mode folds into the popover: say where to look."""
        if self.on:
            self.notes.info(_("No data to train on: open **Settings** to see why "
                              "(or to upload your CSV)."))
        st.stop()

    def sized(self, spec, height=CHART_HEIGHT, title=None):
        """A chart's spec, lower in lecture mode (the same height at every redraw), and
        there titled `title` if given: a long title in a narrow column breaks into lines
        that a fixed height has no room for, and its first line was lost at 150 %."""
        if self.on:
            spec["height"] = height
            if title:
                spec["title"] = title
                spec["config"] = {**spec["config"], "title": {
                    **spec["config"]["title"], "lineBreak": {"expr": charts.title_breaks(title)}}}
        return spec


def _adopt_link():
    """A link's lecture=1 (or 0) sets the mode; a bad value is reported with the link's
    other settings (ui.controls), and leaves the mode as it was."""
    raw = st.query_params.get(PARAM)
    if raw is not None and raw.lower() in LINK_FLAGS:
        st.session_state[STATE] = LINK_FLAGS[raw.lower()]


def _toggle(page, where):
    key = f"{page}.lecture"
    st.session_state[key] = on()
    where.toggle(_("Lecture mode"), key=key, on_change=_switched, args=(key,), help=_(HELP))


def _switched(key):
    st.session_state[STATE] = st.session_state[key]
    if not on() and PARAM in st.query_params:  # else the link would switch it back on
        del st.query_params[PARAM]


# Where CSS is the only way. The sidebar: set_page_config collapses it in a fresh browser,
# but once a user has opened or closed it by hand the browser keeps that choice (local
# storage) over the page's, and an open sidebar takes 300 of 853 px; so it is hidden here,
# with its button (the toggle in Settings brings it back). Streamlit's main block keeps 6rem
# above the page, its header (3.75rem, opaque) and a margin: the bar starts right under the
# header. The status and the worked tables are what a hall reads from the back, larger than
# Streamlit's body text.
STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"] { display: none; }
.stMainBlockContainer { padding-top: 3.75rem; }
.st-key-lecture-status p { font-size: 1.3rem; line-height: 1.3; }
.st-key-lecture-views table { font-size: 1.15rem; }
</style>"""
