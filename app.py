"""Logistic Regression Lab: the router. Page config, navigation, process-wide set-up; no ML."""
import streamlit as st
import torch

from lab.i18n import _
from ui import language
from ui.server import reclaim_memory_every

torch.set_num_threads(1)  # every session shares this process; on 2 cores one thread is fastest
reclaim_memory_every()   # closed sessions' memory back to the system (ui.server)

# The language of this script run (the link's lang=, the session's choice, the browser's):
# everything below, the page included, is drawn in it (lab.i18n, ui.language).
language.resolve()
st.set_page_config(page_title=_("Logistic Regression Lab"), page_icon="📈", layout="wide")

PAGES = [
    st.Page("views/home.py", title=_("Home"), icon="🏠", default=True),
    st.Page("views/lessons.py", title=_("Lessons"), icon="🎯", url_path="lessons"),
    st.Page("views/logistic.py", title=_("Logistic regression"), icon="📈", url_path="logistic"),
    st.Page("views/linear.py", title=_("Linear regression"), icon="📏", url_path="linear"),
    st.Page("views/softmax.py", title=_("Softmax regression"), icon="🔢", url_path="softmax"),
    st.Page("views/losses.py", title=_("Losses and sigmoids"), icon="📉", url_path="losses"),
    st.Page("views/tensors.py", title=_("Tensor basics"), icon="🧮", url_path="tensors"),
]

page = st.navigation(PAGES)
language.switch()  # under the pages in the sidebar, above the page's own sidebar widgets
# Whether this script run opens a page (rather than rerunning the one on screen): a page
# may have to forget what it was waiting for when it was left.
st.session_state["lab.arrived"] = st.session_state.get("lab.page") != page.url_path
st.session_state["lab.page"] = page.url_path
page.run()
