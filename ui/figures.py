"""Plotly figure builders, sized and lettered for a projector."""
import plotly.graph_objects as go
import torch

FONT_SIZE = 16
IMPL_DASH = {"manual": "solid", "nn": "dash"}
SPLIT_COLOR = {"train": "#1f77b4", "test": "#ff7f0e"}
CLASS_COLORS = ("#d62728", "#2ca02c")  # class 0 red, class 1 green
MAX_POINTS = 400  # examples drawn at most in a scatter: enough to see, cheap to send


def _layout(fig, title, x_title, y_title, height=380):
    fig.update_layout(
        title=dict(text=title, font=dict(size=FONT_SIZE + 2)),
        font=dict(size=FONT_SIZE), height=height,
        margin=dict(l=60, r=20, t=50, b=55),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
        xaxis_title=x_title, yaxis_title=y_title, template="plotly_white")
    return fig


def curves(history, column, title, y_title):
    """Train and test `column` ('loss' or 'acc') per epoch, one line per twin and split."""
    fig = go.Figure()
    for impl in history.rows:
        epochs, cols = history.series(impl)
        for split in ("train", "test"):
            values = cols[f"{split}_{column}"]
            if not values or values[-1] is None:
                continue
            name = f"{split} ({impl})" if len(history.rows) > 1 else split
            fig.add_trace(go.Scatter(
                x=epochs, y=values, name=name, mode="lines+markers" if len(epochs) < 30 else "lines",
                line=dict(color=SPLIT_COLOR[split], dash=IMPL_DASH[impl], width=3)))
    if not history.epochs and history.latest is None:
        fig.add_annotation(text="Press Train or Step to start", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5, font=dict(size=FONT_SIZE + 2))
    return _layout(fig, title, "epoch", y_title)


def sigmoid_1d(model, X, y, feature_name, x_max=10.0):
    """P(y = 1) against the one feature, with the data, the 0.5 line and x = −b/w."""
    lo = min(0.0, X.min().item())
    hi = max(x_max, X.max().item())
    grid = torch.linspace(lo, hi, 200).reshape(-1, 1)
    with torch.no_grad():
        p = model.forward(grid)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=grid[:, 0].tolist(), y=p.tolist(), name="P(y = 1 | x)",
                             line=dict(width=4, color="#1f77b4")))
    _data_points(fig, X[:, 0], y, y)
    fig.add_hline(y=0.5, line=dict(color="gray", dash="dot"))
    w = model.params()["weight"].reshape(-1)[0].item()
    b = model.params()["bias"].reshape(-1)[0].item()
    if w != 0 and lo <= -b / w <= hi:
        fig.add_vline(x=-b / w, line=dict(color="black", dash="dash"),
                      annotation_text=f"x = −b/w = {-b / w:.3f}", annotation_position="top left")
    fig.update_yaxes(range=[-0.05, 1.05])
    return _layout(fig, "Fitted sigmoid", feature_name, "P(pass)" if feature_name == "hours" else "P(y = 1)")


def sigmoid_z(model, X, y):
    """σ(z) against z = w·x + b, with each example placed on the curve."""
    X, y = X[:MAX_POINTS], y[:MAX_POINTS]
    with torch.no_grad():
        z = model.logits(X)
        p = model.forward(X)
    reach = max(6.0, z.abs().max().item() * 1.1) if len(z) else 6.0
    reach = min(reach, 60.0)
    grid = torch.linspace(-reach, reach, 300)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=grid.tolist(), y=torch.sigmoid(grid).tolist(), name="σ(z)",
                             line=dict(width=4, color="#1f77b4")))
    _data_points(fig, z, p, y)
    fig.add_hline(y=0.5, line=dict(color="gray", dash="dot"))
    fig.update_yaxes(range=[-0.05, 1.05])
    return _layout(fig, "Every example on the sigmoid", "z = w·x + b", "ŷ = σ(z)")


def decision_boundary(model, X, y, feature_names, true_params=None):
    """The two-feature data with the line w·x + b = 0 (and the true one, if known)."""
    X, y = X[:MAX_POINTS], y[:MAX_POINTS]
    fig = go.Figure()
    _data_points(fig, X[:, 0], X[:, 1], y)
    x0 = torch.tensor([X[:, 0].min().item(), X[:, 0].max().item()])
    lines = [("model: w·x + b = 0", model.params(), "black", "solid")]
    if true_params:
        lines.append(("true boundary", {k: torch.tensor(v) for k, v in true_params.items()},
                      "gray", "dash"))
    for name, p, color, dash in lines:
        w = p["weight"].reshape(-1)
        b = p["bias"].reshape(-1)[0]
        if abs(w[1].item()) > 1e-12:
            x1 = -(w[0] * x0 + b) / w[1]
            fig.add_trace(go.Scatter(x=x0.tolist(), y=x1.tolist(), mode="lines", name=name,
                                     line=dict(color=color, dash=dash, width=3)))
    pad = 0.1 * (X.max() - X.min()).item()
    fig.update_xaxes(range=[X[:, 0].min().item() - pad, X[:, 0].max().item() + pad])
    fig.update_yaxes(range=[X[:, 1].min().item() - pad, X[:, 1].max().item() + pad])
    return _layout(fig, "Decision boundary", feature_names[0], feature_names[1])


def _data_points(fig, xs, ys, labels):
    for label, color in enumerate(CLASS_COLORS):
        mask = labels == label
        fig.add_trace(go.Scatter(
            x=xs[mask].tolist(), y=ys[mask].tolist(), mode="markers", name=f"y = {label}",
            marker=dict(size=11 if len(labels) < 50 else 7, color=color, opacity=0.8,
                        line=dict(width=1, color="white"))))
