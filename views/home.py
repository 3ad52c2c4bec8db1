"""Home: what the lab teaches and in which order, and the course's experiments in one click."""
import streamlit as st

from ui.presets import PRESETS

PRESETS_PER_ROW = 3
STEPS = [
    ("1 · Prepare the dataset", "tensors X (n, d) and y (n,); split, shuffle, batch."),
    ("2 · Design the model", "ŷ = w·x + b, then σ for a probability or softmax for classes."),
    ("3 · Construct loss and optimizer", "MSE or BCE or cross-entropy; SGD with a learning "
                                         "rate."),
    ("4 · Run the training cycle", "forward, loss, backward (autograd), update; again."),
]
PAGES = [  # the course's order
    ("views/tensors.py", "Tensor basics", "🧮",
     "broadcasting, the matrix product, gradients with and without `no_grad` (C8)."),
    ("views/linear.py", "Linear regression", "📏",
     "a line through three points by gradient descent, the loss landscape, the grads (C6)."),
    ("views/logistic.py", "Logistic regression", "📈",
     "the sigmoid and the BCE, live on hours → pass, iris and synthetic data (C1–C3)."),
    ("views/losses.py", "Losses and sigmoids", "📉",
     "the slides' BCE table, the sigmoid family, why BCE and not MSE (C7, C9)."),
    ("views/softmax.py", "Softmax regression", "🔢",
     "k classes: digits, Fashion-MNIST, MNIST, CIFAR-10; the weights as pictures (C4, C5)."),
]

st.title("Logistic Regression Lab")
st.markdown(
    "Train linear, logistic and softmax regression **live**, written by hand from tensors "
    "and built from `torch.nn`, side by side. Pick the settings, press **Train**, and "
    "watch the loss fall and the model move into place. Every run follows the course's "
    "four steps:")
for column, (step, line) in zip(st.columns(len(STEPS)), STEPS):
    column.markdown(f"**{step}**  \n{line}")
st.page_link("views/lessons.py", label="**Lessons**: predict first, then run the real thing — "
             "one short guided lesson per experiment", icon="🎯")

st.header("The pages, in the course's order")
for page, title, icon, line in PAGES:
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.page_link(page, label=title, icon=icon)
    right.markdown(line)

st.header("The course's experiments, one click each")
st.markdown("Each link opens its page with the notes' settings and starts training. "
            "The results were measured with exactly these settings.")
for start in range(0, len(PRESETS), PRESETS_PER_ROW):
    row = PRESETS[start:start + PRESETS_PER_ROW]
    for column, preset in zip(st.columns(PRESETS_PER_ROW), row):
        with column.container(border=True):
            st.markdown(f"#### {preset.title}")
            st.markdown(f"**Settings:** {preset.settings}")
            st.markdown(f"**Expect:** {preset.expect}")
            st.page_link(preset.page, label="**Open and train**", icon=":material/play_arrow:",
                         query_params=preset.query_params())
