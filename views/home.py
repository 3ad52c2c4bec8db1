"""Home: what the lab teaches and in which order, and the course's experiments in one click."""
import streamlit as st

from lab.i18n import N_, _
from ui.presets import PRESETS

PRESETS_PER_ROW = 3
STEPS = [
    (N_("1 · Prepare the dataset"), N_("tensors X (n, d) and y (n,); split, shuffle, batch.")),
    (N_("2 · Design the model"),
     N_("ŷ = w·x + b, then σ for a probability or softmax for classes.")),
    (N_("3 · Construct loss and optimizer"),
     N_("MSE or BCE or cross-entropy; SGD with a learning rate.")),
    (N_("4 · Run the training cycle"),
     N_("forward, loss, backward (autograd), update; again.")),
]
PAGES = [  # the course's order
    ("views/tensors.py", N_("Tensor basics"), "🧮",
     N_("broadcasting, the matrix product, gradients with and without `no_grad` (C8).")),
    ("views/linear.py", N_("Linear regression"), "📏",
     N_("a line through three points by gradient descent, the loss landscape, the grads (C6).")),
    ("views/logistic.py", N_("Logistic regression"), "📈",
     N_("the sigmoid and the BCE, live on hours → pass, iris and synthetic data (C1–C3).")),
    ("views/losses.py", N_("Losses and sigmoids"), "📉",
     N_("the slides' BCE table, the sigmoid family, why BCE and not MSE (C7, C9).")),
    ("views/softmax.py", N_("Softmax regression"), "🔢",
     N_("k classes: digits, Fashion-MNIST, MNIST, CIFAR-10; the weights as pictures (C4, C5).")),
]

st.title(_("Logistic Regression Lab"))
st.markdown(_(
    "Train linear, logistic and softmax regression **live**, written by hand from tensors "
    "and built from `torch.nn`, side by side. Pick the settings, press **Train**, and "
    "watch the loss fall and the model move into place. Every run follows the course's "
    "four steps:"))
for column, (step, line) in zip(st.columns(len(STEPS)), STEPS):
    column.markdown(f"**{_(step)}**  \n{_(line)}")
st.page_link("views/lessons.py", label=_("**Lessons**: predict first, then run the real thing "
                                         "— one short guided lesson per experiment"), icon="🎯")

st.header(_("The pages, in the course's order"))
for page, title, icon, line in PAGES:
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.page_link(page, label=_(title), icon=icon)
    right.markdown(_(line))

st.header(_("The course's experiments, one click each"))
st.markdown(_("Each link opens its page with the notes' settings and starts training. "
              "The results were measured with exactly these settings."))
for start in range(0, len(PRESETS), PRESETS_PER_ROW):
    row = PRESETS[start:start + PRESETS_PER_ROW]
    for column, preset in zip(st.columns(PRESETS_PER_ROW), row):
        with column.container(border=True):
            st.markdown(f"#### {_(preset.title)}")
            st.markdown(_("**Settings:** {settings}").format(settings=_(preset.settings)))
            st.markdown(_("**Expect:** {expect}").format(expect=_(preset.expect)))
            st.page_link(preset.page, label=_("**Open and train**"), icon=":material/play_arrow:",
                         query_params=preset.query_params())
