"""Losses and sigmoids (C7, C9): the slides' BCE table, the BCE curves, the sigmoid family,
and why a classifier learns with BCE rather than MSE."""

import pandas as pd
import streamlit as st
import torch

from lab.i18n import N_, _
from lab.instruments import explain
from lab.models import functions
from lab.models import sigmoids
from lab.numbers import human, parse_number
from lab.source import source_of
from ui import lesson_panel
from ui.loss_figures import bce_curves_figure, mse_vs_bce_figure, sigmoids_figure
from ui.text import quoted

# Text cells, parsed by the page: a number column rewrote what was typed (1e-50, 0.5, abc)
SLIDES_ROWS = pd.DataFrame({"y": [f"{v:g}" for v in explain.SLIDES_Y],
                            "ŷ": [f"{v:g}" for v in explain.SLIDES_Y_HAT]},
                           index=pd.RangeIndex(1, len(explain.SLIDES_Y) + 1, name="row"))
RULES = {"y": (lambda v: v in (0, 1), N_("{name} = {value} is not a label; y must be 0 or 1")),
         "ŷ": (lambda v: 0 <= v <= 1,
               N_("{name} = {value} is not a probability; ŷ must be between 0 and 1"))}
# parse_number's reasons (lab.numbers), each said as one whole sentence
NOT_A_NUMBER = {"not a number": N_("{name} = {value} is not a number"),
                "not a number; the decimal point is a dot (0.5)":
                    N_("{name} = {value} is not a number; the decimal point is a dot (0.5)")}


def read_cell(name, text):
    """(the number in a cell, None, False), or (None, why not, whether the cell is empty)
    quoting the cell as it was typed."""
    ok, rule = RULES[name]
    value_typed = quoted(text, 40)
    try:
        value = parse_number(text)
    except ValueError as why:
        if str(why) == "empty":
            return None, _("{name} is empty; type a number").format(name=name), True
        said = NOT_A_NUMBER.get(str(why))
        if said is None:  # a reason lab.numbers gives that this page does not know
            return None, f"{name} = {value_typed} is {why}", False
        return None, _(said).format(name=name, value=value_typed), False
    if ok(value):
        return value, None, False
    return None, _(rule).format(name=name, value=value_typed), False


def read_rows(edited):
    """({row: [y, ŷ]} for the rows BCE can take, and a message for each cell it cannot)."""
    rows, problems = {}, []
    for row, cells in edited.iterrows():
        read = [read_cell(name, cells[name]) for name in RULES]
        whys = [why for _value, why, _empty in read if why]
        if all(empty for _value, _why, empty in read):
            whys = [_("empty; type y and ŷ")]  # a row just added
        problems += [_("Row {row}: {why}.").format(row=row, why=why) for why in whys]
        if not whys:
            rows[row] = [value for value, _why, _empty in read]
    return rows, problems


st.title(_("Losses and sigmoids"))
st.write(_("A classifier squeezes z = w·x + b into a probability ŷ = σ(z) and is scored by the "
           "binary cross-entropy (BCE): the minus log of the probability it gave the true "
           "label. A mini-batch's loss is the mean over its N examples."))
st.latex(r"\text{BCE} = -\big(y \log \hat y + (1 - y)\log(1 - \hat y)\big) \qquad "
         r"\text{loss} = \frac{1}{N}\sum_{n=1}^{N} \text{BCE}_n")
lesson_panel.show("losses")

# -- 1. the slides' table, editable -------------------------------------------
st.header(_("The BCE table from the slides"))
st.write(_("Edit y (0 or 1) or ŷ (between 0 and 1), add or delete rows: every number is "
           "recomputed by the lab's hand-written BCE, which clamps each log at −100 as "
           "`nn.BCELoss` does."))
left, right = st.columns([2, 5], gap="large")
with left:
    text = st.column_config.TextColumn
    edited = st.data_editor(SLIDES_ROWS.rename_axis(_("row")), num_rows="dynamic",
                            key="bce_rows", hide_index=False,
                            column_config={"y": text("y"), "ŷ": text("ŷ")})
rows, problems = read_rows(edited)
index = pd.Index(list(rows), name=_("row"))
y, y_hat = (torch.tensor([r[k] for r in rows.values()]) for k in (0, 1))  # float32, as torch
columns, mean = explain.bce_terms(y_hat, y)
with left:
    for problem in problems:
        st.warning(_("{problem} It is left out of the mean.").format(problem=problem),
                   icon="✋")
with right:
    if rows:
        table = pd.DataFrame(columns, index=index).rename(columns={"loss": _("loss")})
        st.dataframe(table.style.format(human))
        st.metric(_("Mini-batch BCE: the mean of {count} rows").format(count=len(rows)),
                  human(mean))
    else:
        st.info(_("No row to score yet: type y and ŷ in at least one row."))
    for i in explain.clamped_rows(y_hat, y):
        p = y_hat[i] if y[i] == 1 else 1 - y_hat[i]  # the probability of the true label
        st.info(_("Row {row}: with ŷ = {y_hat} the true label gets probability {p} in "
                  "float32, whose log is {log_p}, below −100. BCE clamps the log at −100, so "
                  "this example costs exactly 100, not {loss}.").format(
                    row=index[i], y_hat=quoted(edited.loc[index[i], "ŷ"], 40), p=human(p),
                    log_p=human(p.log()), loss=human(-p.log())), icon="ℹ️")

curve_rows = list(zip(index, columns["y"], columns["ŷ"], columns["loss"]))
st.plotly_chart(bce_curves_figure(*explain.bce_curves(), curve_rows), key="bce_curves")
st.caption(_("Sure and right costs almost nothing; sure and wrong costs without bound "
             "(until the −100 clamp)."))

# -- 2. the sigmoid family -------------------------------------------------------
st.header(_("The sigmoid family"))
st.write(_("Any smooth S-shaped map from ℝ onto (0, 1) could turn z into a probability. "
           "The logistic σ is the one used with BCE: its derivative is σ(1 − σ), which makes "
           "BCE's gradient simply ŷ − y. Note (1 + tanh z)/2 is exactly σ(2z)."))
for col, (name, (_fn, formula)) in zip(st.columns(3) * 2, sigmoids.SIGMOIDS.items()):
    col.latex(rf"\text{{{name.split()[0]}:}}\quad {formula}")
st.plotly_chart(sigmoids_figure(*sigmoids.sigmoid_curves()), key="sigmoids")

# -- 3. why not MSE -----------------------------------------------------------------
st.header(_("Why BCE, not MSE, for classification"))
st.write(_("Take one example with y = 1. Its gradient with respect to z, computed here by "
           "autograd, is what moves w and b. MSE's gradient carries a factor ŷ(1 − ŷ) that "
           "vanishes exactly when the model is confidently wrong (z ≪ 0): it stops learning. "
           "BCE's gradient stays near −1 there."))
st.latex(r"\frac{\partial\,(\hat y - y)^2}{\partial z} = 2(\hat y - y)\,\hat y(1 - \hat y)"
         r"\qquad \frac{\partial\,\text{BCE}}{\partial z} = \hat y - y")
z_mark = st.slider(_("z of one example (y = 1)"), -10.0, 10.0, -6.0, 0.5, key="z_mark")
at_z = explain.mse_vs_bce_gradients(torch.tensor([z_mark]))
cols = st.columns(3)
cols[0].metric("ŷ = σ(z)", f"{at_z['ŷ'][0]:.5f}")
cols[1].metric("dMSE/dz", f"{at_z['dMSE/dz'][0]:.3g}")
cols[2].metric("dBCE/dz", f"{at_z['dBCE/dz'][0]:.3g}")
grads = explain.mse_vs_bce_gradients(torch.linspace(-10, 10, 401))
st.plotly_chart(mse_vs_bce_figure(grads, z_mark), key="mse_vs_bce")

# -- the code ---------------------------------------------------------------------
with st.expander(_("The code")):
    for fn in (functions.BinaryCrossEntropy, functions.bce_per_example, functions.mse,
               explain.bce_terms, explain.mse_vs_bce_gradients, functions.sigmoid,
               sigmoids.tanh01, sigmoids.erf01, sigmoids.arctan01, sigmoids.algebraic01,
               sigmoids.softsign01):
        st.code(source_of(fn), language="python")
