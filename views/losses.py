"""Losses and sigmoids (C7, C9): the slides' BCE table, the BCE curves, the sigmoid family,
and why a classifier learns with BCE rather than MSE."""

import pandas as pd
import streamlit as st
import torch

from lab import explain, functions, sigmoids
from lab.source import source_of
from ui.loss_figures import bce_curves_figure, mse_vs_bce_figure, sigmoids_figure

SLIDES_ROWS = pd.DataFrame({"y": [1.0, 1.0, 0.0, 0.0], "ŷ": [0.2, 0.8, 0.3, 0.7]},
                           index=pd.RangeIndex(1, 5, name="row"))

st.title("Losses and sigmoids")
st.write("A classifier squeezes z = w·x + b into a probability ŷ = σ(z) and is scored by the "
         "binary cross-entropy (BCE): the minus log of the probability it gave the true label. "
         "A mini-batch's loss is the mean over its N examples.")
st.latex(r"\text{BCE} = -\big(y \log \hat y + (1 - y)\log(1 - \hat y)\big) \qquad "
         r"\text{loss} = \frac{1}{N}\sum_{n=1}^{N} \text{BCE}_n")

# -- 1. the slides' table, editable -------------------------------------------
st.header("The BCE table from the slides")
st.write("Edit y (0 or 1) or ŷ (between 0 and 1), add or delete rows: every number is "
         "recomputed by the lab's hand-written BCE, which clamps each log at −100 as "
         "`nn.BCELoss` does.")
left, right = st.columns([2, 5], gap="large")
with left:
    number = st.column_config.NumberColumn
    edited = st.data_editor(SLIDES_ROWS, num_rows="dynamic", key="bce_rows", hide_index=False,
                            column_config={"y": number("y", step=1),
                                           "ŷ": number("ŷ", format="%.4f")})
ys, y_hats = (pd.to_numeric(edited[c], errors="coerce").astype(float).tolist() for c in ("y", "ŷ"))
good, problems = explain.bce_row_problems(ys, y_hats, list(edited.index))
valid = edited.loc[good].astype(float)
y, y_hat = torch.tensor(valid["y"].to_numpy()), torch.tensor(valid["ŷ"].to_numpy())
columns, mean = explain.bce_terms(y_hat, y)
with left:
    for problem in problems:
        st.warning(f"{problem} It is left out of the mean.", icon="✋")
with right:
    if len(valid):
        table = pd.DataFrame(columns, index=valid.index)
        st.dataframe(table, column_config={c: st.column_config.NumberColumn(format="%.4f")
                                           for c in table.columns})
        st.metric(f"Mini-batch BCE: the mean of {len(valid)} rows", f"{mean:.4f}")
    else:
        st.info("No row to score yet: type y and ŷ in at least one row.")
    for i in explain.clamped_rows(y_hat, y):
        st.info(f"Row {valid.index[i]}: ŷ = {y_hat[i].item():g} gives the true label "
                f"probability 0, and log 0 = −∞. BCE clamps the log at −100, so this "
                f"example costs exactly 100 instead of infinity.", icon="ℹ️")

curve_rows = list(zip(valid.index, columns["y"], columns["ŷ"], columns["loss"]))
st.plotly_chart(bce_curves_figure(*explain.bce_curves(), curve_rows), key="bce_curves")
st.caption("Sure and right costs almost nothing; sure and wrong costs without bound "
           "(until the −100 clamp).")

# -- 2. the sigmoid family -------------------------------------------------------
st.header("The sigmoid family")
st.write("Any smooth S-shaped map from ℝ onto (0, 1) could turn z into a probability. "
         "The logistic σ is the one used with BCE: its derivative is σ(1 − σ), which makes "
         "BCE's gradient simply ŷ − y. Note (1 + tanh z)/2 is exactly σ(2z).")
for col, (name, (_, formula)) in zip(st.columns(3) * 2, sigmoids.SIGMOIDS.items()):
    col.latex(rf"\text{{{name.split()[0]}:}}\quad {formula}")
st.plotly_chart(sigmoids_figure(*sigmoids.sigmoid_curves()), key="sigmoids")

# -- 3. why not MSE -----------------------------------------------------------------
st.header("Why BCE, not MSE, for classification")
st.write("Take one example with y = 1. Its gradient with respect to z, computed here by "
         "autograd, is what moves w and b. MSE's gradient carries a factor ŷ(1 − ŷ) that "
         "vanishes exactly when the model is confidently wrong (z ≪ 0): it stops learning. "
         "BCE's gradient stays near −1 there.")
st.latex(r"\frac{\partial\,(\hat y - y)^2}{\partial z} = 2(\hat y - y)\,\hat y(1 - \hat y)"
         r"\qquad \frac{\partial\,\text{BCE}}{\partial z} = \hat y - y")
z_mark = st.slider("z of one example (y = 1)", -10.0, 10.0, -6.0, 0.5, key="z_mark")
at_z = explain.mse_vs_bce_gradients(torch.tensor([z_mark]))
cols = st.columns(3)
cols[0].metric("ŷ = σ(z)", f"{at_z['ŷ'][0]:.5f}")
cols[1].metric("dMSE/dz", f"{at_z['dMSE/dz'][0]:.3g}")
cols[2].metric("dBCE/dz", f"{at_z['dBCE/dz'][0]:.3g}")
grads = explain.mse_vs_bce_gradients(torch.linspace(-10, 10, 401))
st.plotly_chart(mse_vs_bce_figure(grads, z_mark), key="mse_vs_bce")

# -- the code ---------------------------------------------------------------------
with st.expander("The code"):
    for fn in (functions.BinaryCrossEntropy, functions.bce_per_example, functions.mse,
               explain.bce_terms, explain.mse_vs_bce_gradients, functions.sigmoid,
               sigmoids.tanh01, sigmoids.erf01, sigmoids.arctan01, sigmoids.algebraic01,
               sigmoids.softsign01):
        st.code(source_of(fn), language="python")
