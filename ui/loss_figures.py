"""Plotly figures for the losses-and-sigmoids page, sized to read on a projector, in the
colours of every other chart (ui.charts)."""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lab.i18n import _
from ui.charts import CLASS_COLORS, GRID, INK, MODEL, MUTED, ON_DARK, SERIES, TRAIN

FONT = dict(size=16, color=INK)  # not Streamlit's light grey: a back row reads this
COLORS = dict(enumerate(CLASS_COLORS))  # y = 0 and y = 1 as on the logistic page
BCE_TOP = 6.0  # the y axis of the BCE curves ends here; a clamped 100 is drawn at the top


def _style(fig, height=420):
    fig.update_layout(font=FONT, height=height, margin=dict(l=70, r=20, t=50, b=60),
                      legend=dict(font=FONT),
                      hoverlabel=dict(font=dict(size=FONT["size"])))  # on the trace's colour
    fig.update_xaxes(title_font=FONT, tickfont=FONT, gridcolor=GRID, zeroline=False)
    fig.update_yaxes(title_font=FONT, tickfont=FONT, gridcolor=GRID, zeroline=False)
    return fig


def bce_curves_figure(y_hat, loss_y1, loss_y0, rows):
    """−log ŷ and −log(1 − ŷ) over ŷ, with the table's rows (label, y, ŷ, loss) marked."""
    y_hat, loss_y1, loss_y0 = y_hat.tolist(), loss_y1.tolist(), loss_y0.tolist()
    fig = go.Figure()
    fig.add_scatter(x=y_hat, y=loss_y1, mode="lines", name="y = 1:  −log ŷ",
                    line=dict(color=COLORS[1], width=3))
    fig.add_scatter(x=y_hat, y=loss_y0, mode="lines", name="y = 0:  −log(1 − ŷ)",
                    line=dict(color=COLORS[0], width=3))
    for label in (1, 0):
        mine = [r for r in rows if r[1] == label]
        off = [r[3] > BCE_TOP - 0.5 for r in mine]  # e.g. the clamped 100: drawn at the top
        fig.add_scatter(
            x=[r[2] for r in mine], y=[min(r[3], BCE_TOP - 0.5) for r in mine],
            mode="markers+text", showlegend=False, cliponaxis=False,
            textposition=["bottom right" if o else "top right" if label == 1 else "top left"
                          for o in off],  # clear of its own curve
            text=[(_(" row {row}: {loss} ↑ off the scale") if o else _(" row {row}: {loss}"))
                  .format(row=r[0], loss=f"{r[3]:.4g}") for r, o in zip(mine, off)],
            textfont=FONT,
            marker=dict(size=14, color=COLORS[label], line=dict(color=ON_DARK, width=2),
                        symbol=["triangle-up" if o else "circle" for o in off]))
    fig.update_xaxes(title_text=_("predicted probability ŷ"), range=[-0.03, 1.12])
    fig.update_yaxes(title_text=_("BCE of one example"), range=[0, BCE_TOP])
    return _on_top(_style(fig))


def sigmoids_figure(z, curves):
    """Every member of the sigmoid family against z, with the 0.5 line."""
    fig = go.Figure()
    others = iter(SERIES)  # the logistic σ is the model's, blue; the rest each their own
    for name, values in curves.items():
        logistic = name.startswith("logistic")
        fig.add_scatter(x=z.tolist(), y=values.tolist(), mode="lines", name=_(name),
                        line=dict(width=5 if logistic else 2.5,
                                  color=MODEL if logistic else next(others)))
    fig.add_hline(y=0.5, line=dict(color=MUTED, dash="dash"))
    fig.update_xaxes(title_text="z = w·x + b")
    fig.update_yaxes(title_text=_("output in (0, 1)"), range=[-0.02, 1.02])
    return _on_top(_style(fig, height=460))


def _on_top(fig):
    """The legend in a row above the plot: beside it, it took half a narrow column."""
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def mse_vs_bce_figure(columns, z_mark=None):
    """Left: MSE and BCE of one example with y = 1; right: their gradients d loss / dz."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        _("the loss, for y = 1"), _("its gradient d loss / dz")))
    z = columns["z"]
    pairs = (("MSE", "dMSE/dz", SERIES[1], "(σ(z) − 1)²"),
             ("BCE", "dBCE/dz", TRAIN, "−log σ(z)"))  # BCE: the loss the lab trains with
    for loss, grad, color, formula in pairs:
        fig.add_scatter(x=z, y=columns[loss], name=f"{loss}: {formula}", row=1, col=1,
                        mode="lines", line=dict(color=color, width=3), legendgroup=loss)
        fig.add_scatter(x=z, y=columns[grad], name=f"d{loss}/dz", row=1, col=2,
                        mode="lines", line=dict(color=color, width=3, dash="dot"),
                        legendgroup=loss)
    if z_mark is not None:
        fig.add_vline(x=z_mark, line=dict(color=MUTED, dash="dash"))
    fig.update_annotations(font=FONT)
    fig.update_xaxes(title_text=_("z (y = 1: negative z is confidently wrong)"))
    fig.update_yaxes(title_text=_("loss"), row=1, col=1, range=[0, 5])
    fig.update_yaxes(title_text=_("d loss / dz"), row=1, col=2)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return _style(fig, height=480)
