"""Tensor basics (C8): broadcasting three ways, a product with a transpose, no_grad."""

import json

import streamlit as st

from lab.i18n import _
from lab.instruments import tensors
from lab.source import source_of
from ui import lesson_panel
from ui.text import plain


def show_tensor(name, t):
    """A tensor as PyTorch prints it, under its name and shape."""
    dtype = str(t.dtype).removeprefix("torch.")
    st.markdown(_("**{name}** — shape `{shape}`, dtype `{dtype}`").format(
        name=name, shape=list(t.shape), dtype=dtype))
    st.code(str(t), language=None)


def show_outcome(outcome):
    """One line of PyTorch and what it gave: a tensor, or PyTorch's error message."""
    if outcome.error:
        st.markdown(f"`{outcome.code}`")
        st.error(plain(outcome.error, limit=600), icon="⛔")  # PyTorch's words, not Markdown
    else:
        show_tensor(outcome.code, outcome.result)


def typed_tensor(label, default, key):
    """The tensor typed in a text box, or None after showing why it is not one."""
    text = st.text_input(label, default, key=key, max_chars=400,
                         help=_("A nested list like [[4, 5, 6]], or numbers separated by "
                                "commas with ; between rows, like 1; 2"))
    try:
        return tensors.parse_tensor(text)
    except ValueError as exc:  # it quotes what was typed: shown as text, never as Markdown
        st.error(plain(exc, limit=600), icon="✋")
        return None


st.title(_("Tensor basics"))
st.write(_("Three small experiments from the course's first exercise. Every result below is "
           "computed by PyTorch as you change the inputs, and errors are PyTorch's own words."))
lesson_panel.show("tensors")

# -- 1. broadcasting --------------------------------------------------------------
st.header(_("1 · Subtraction three ways, and broadcasting"))
st.write(_("When two shapes differ, PyTorch *broadcasts*: it lines the shapes up from the "
           "right, and every dimension of size 1 is repeated to match the other tensor. "
           "A (1×3) and a (2×1) both become (2×3)."))
st.latex(r"M = \begin{bmatrix}4 & 5 & 6\end{bmatrix},\quad N = \begin{bmatrix}1\\2\end{bmatrix}"
         r"\;\Rightarrow\; M - N = \begin{bmatrix}4&5&6\\4&5&6\end{bmatrix} - "
         r"\begin{bmatrix}1&1&1\\2&2&2\end{bmatrix}")
c1, c2 = st.columns(2)
with c1:
    M = typed_tensor("M", "[[4, 5, 6]]", key="M")
with c2:
    N = typed_tensor("N", "[[1], [2]]", key="N")
if M is not None and N is not None:
    c1, c2 = st.columns(2)
    with c1:
        show_tensor("M", M)
    with c2:
        show_tensor("N", N)
    expanded = tensors.broadcast(M, N)
    if expanded.result is not None:
        st.write(_("Broadcast shape: `{shape}`. What is really subtracted:").format(
            shape=list(expanded.result[0].shape)))
        c1, c2 = st.columns(2)
        with c1:
            show_tensor(_("M expanded"), expanded.result[0])
        with c2:
            show_tensor(_("N expanded"), expanded.result[1])
    cols = st.columns(3)
    outcomes = tensors.subtract_three_ways(M, N)
    for col, outcome in zip(cols, outcomes):
        with col:
            show_outcome(outcome)
    in_place = outcomes[2]
    if expanded.error:
        st.info(_("M {m_shape} and N {n_shape} cannot be broadcast: lined up from the right, "
                  "each pair of sizes must be equal or one of them 1.").format(
                    m_shape=list(M.shape), n_shape=list(N.shape)))
    elif in_place.error and expanded.result[0].shape != M.shape:
        st.info(_("Why `M.sub_(N)` fails: the trailing underscore means *in place* — the "
                  "answer is written into M's own memory. M has shape `{m_shape}`, the answer "
                  "has the broadcast shape `{shape}`, and an in-place operation can never "
                  "change its tensor's shape. `M - N` and `M.subtract(N)` are fine: they make "
                  "a new tensor of the broadcast shape.").format(
                    m_shape=list(M.shape), shape=list(expanded.result[0].shape)))
    elif in_place.error:
        st.info(_("`M.sub_(N)` writes the answer into M itself, so the answer must fit M "
                  "exactly: M's shape and M's dtype (e.g. integers cannot hold a float "
                  "result)."))
    else:
        other = tensors.refused_in_place(M)
        st.info(_("Here the answer has M's own shape and dtype, so `M.sub_(N)` can overwrite "
                  "M in place. Try N = `{other}` to see it refuse: the answer would have shape "
                  "`{shape}`, which M, `{m_shape}`, cannot hold.").format(
                    other=json.dumps(other.tolist()), shape=list((M - other).shape),
                    m_shape=list(M.shape)))

# -- 2. matrix product ------------------------------------------------------------
st.header(_("2 · A matrix product with a transpose"))
st.write(_("P and Q are drawn from a normal distribution with mean 0 and standard deviation "
           "0.01. `Q.T` swaps Q's rows and columns, so `P @ Q.T` pairs every row of P with "
           "every row of Q: it needs P and Q to have the same number of columns."))
st.latex(r"(P\,Q^\top)_{ij} = \sum_k P_{ik}\,Q_{jk} \qquad "
         r"(a \times k)\,(k \times c) = (a \times c)")
cols = st.columns(5)
p_rows = cols[0].number_input(_("P rows"), 1, 8, 3, key="p_rows")
p_cols = cols[1].number_input(_("P columns"), 1, 8, 2, key="p_cols")
q_rows = cols[2].number_input(_("Q rows"), 1, 8, 4, key="q_rows")
q_cols = cols[3].number_input(_("Q columns"), 1, 8, 2, key="q_cols")
seed = cols[4].number_input(_("seed"), 0, 2**31 - 1, 0, key="pq_seed")
P, Q, product = tensors.random_product((p_rows, p_cols), (q_rows, q_cols), seed=seed)
for col, (name, t) in zip(st.columns(2) * 2, (("P", P), ("Q", Q), ("Q.T", Q.T))):
    with col:
        show_tensor(name, t)
fits = (_("P @ Q.T: ({p_rows}×**{p_cols}**) @ (**{q_cols}**×{q_rows}) — ✔ the inner sizes "
          "match") if p_cols == q_cols else
        _("P @ Q.T: ({p_rows}×**{p_cols}**) @ (**{q_cols}**×{q_rows}) — ✘ the inner sizes "
          "differ"))
st.markdown(fits.format(p_rows=p_rows, p_cols=p_cols, q_rows=q_rows, q_cols=q_cols))
show_outcome(product)

# -- 3. gradients and no_grad -------------------------------------------------------
st.header(_("3 · Gradients, and switching them off with torch.no_grad()"))
st.write(_("Autograd records every operation on a tensor with `requires_grad=True` in a "
           "computation graph, and `backward()` walks it back to x. Inside `torch.no_grad()` "
           "nothing is recorded: x³ becomes a constant, and its part of the gradient is "
           "lost."))
st.latex(r"y_3 = y_1 + y_2 = x^2 + x^3 \qquad \frac{dy_3}{dx} = 2x + 3x^2")
x = st.columns(4)[0].number_input("x", -10.0, 10.0, 1.0, 0.5, key="x")
tracked, cut = tensors.grad_y3(x), tensors.grad_y3_no_grad(x)
c1, c2 = st.columns(2)
for col, title, result in ((c1, _("every step tracked"), tracked),
                           (c2, _("x³ under torch.no_grad()"), cut)):
    with col:
        st.subheader(title)
        st.metric("dy3/dx (x.grad)", f"{result.grad:g}")
        st.markdown(f"y3 = {result.y3:g}  \ny1 = x²: grad_fn `{result.y1_grad_fn}`  \n"
                    f"y2 = x³: grad_fn `{result.y2_grad_fn}`")
st.write(_("Both compute the same y3 = {y3}. With x³ under `no_grad`, y2 has no grad_fn: the "
           "graph of y3 = y1 + y2 reaches x only through y1 = x², so backward gives 2x = "
           "{grad_cut} instead of 2x + 3x² = {grad}.").format(
    y3=f"{tracked.y3:g}", grad_cut=f"{cut.grad:g}", grad=f"{tracked.grad:g}"))

# -- the code ---------------------------------------------------------------------
with st.expander(_("The code")):
    for fn in (tensors.subtract_three_ways, tensors.broadcast, tensors.random_product,
               tensors.grad_y3, tensors.grad_y3_no_grad, tensors.attempt, tensors.parse_tensor):
        st.code(source_of(fn), language="python")
