"""What a learner reads on a page opened in AppTest, and which of it is still English.

    from tests.zh_walk import visible_texts, untranslated
    at = AppTest.from_file(APP); at.query_params["lang"] = "zh"; at.run()
    assert untranslated(visible_texts(at)) == []

visible_texts() walks every element of the main area and the sidebar and returns the
texts a reader sees: Markdown, captions, titles, headers, alerts, toasts, widget labels,
help, options, placeholders, expander / tab / popover labels, page links, metric labels
and values, dataframe column names, and the titles, axis titles, legend titles and legend
entries of Vega-Lite charts. Left out: formulas ($…$, st.latex), code (`…`, st.code),
raw HTML (st.html: styles) and what the user typed.

untranslated() returns the texts that still hold an English run — two or more ASCII words
of two or more letters in a row — once formulas, code, identifiers (nn.Linear, size_average,
BCELoss), URLs, numbers with units and the names in ALLOWED are taken out.
(AppTest does not show the navigation's page titles: the browser test reads those.)
"""
import json
import re

import pyarrow as pa

# Names that stay as they are in Chinese text: the library, the losses' and optimizers'
# names, datasets, formats, and short symbols. Compared case-sensitively, whole words.
ALLOWED = [
    "PyTorch", "torch.nn", "torch", "nn", "autograd", "NumPy", "numpy", "Python", "Streamlit",
    "BCE", "BCELoss", "MSE", "MSELoss", "SGD", "Adam", "softmax", "Softmax", "sigmoid",
    "Sigmoid", "logit", "logits", "ReLU", "tanh", "argmax", "log", "exp", "grad", "no_grad",
    "MNIST", "CIFAR-10", "Fashion-MNIST", "Fashion", "iris", "iris3", "setosa", "versicolor",
    "virginica", "digits", "T-shirt", "trouser", "CSV", "PNG", "JSON", "URL", "lr", "seed",
    "English", "GitHub", "Vega-Lite", "scikit-learn", "sklearn", "torchvision", "DataLoader",
    "ToTensor",
    "h", "s", "ms", "px", "MB", "GB", "KB", "it/s", "x", "y", "w", "b", "z", "n", "k", "d",
]
TEXT_FIELDS = {"body", "label", "help", "placeholder", "caption", "content", "options",
               "title", "text"}
SKIPPED_TYPES = {"code", "html", "json", "exception", "iframe", "deck_gl_json_chart"}
LEGEND_CHANNELS = ("color", "strokeDash", "shape", "fill", "stroke", "opacity", "size")


def visible_texts(at):
    """Every text a reader sees on the page (see the module's docstring), in page order."""
    texts = []
    for root in (at.main, at.sidebar):
        _walk(root, texts)
    return [t for t in texts if t and t.strip()]


def _walk(node, texts):
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", None)
    if kind in SKIPPED_TYPES:
        return
    if kind == "markdown" and proto is not None and proto.element_type == proto.LATEX:
        return
    if kind == "vega_lite_chart":
        texts.extend(chart_texts(proto))
    elif kind in ("arrow_data_frame", "dataframe", "table") and proto is not None:
        texts.extend(_columns(proto))
    elif proto is not None:
        _proto_texts(proto, texts)
    for child in (node.children.values() if hasattr(node, "children") else ()):
        _walk(child, texts)


def _proto_texts(message, texts):
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            if field.name in ("default", "value"):  # what the user typed or chose
                continue
            items = value if _repeated(field) else [value]
            for item in items:
                _proto_texts(item, texts)
        elif field.type == field.TYPE_STRING and field.name in TEXT_FIELDS:
            texts.extend(value if _repeated(field) else [value])


def _repeated(field):
    flag = getattr(field, "is_repeated", None)  # protobuf ≥ 6; `label` before
    return flag if flag is not None else field.label == field.LABEL_REPEATED


def _columns(proto):
    data = getattr(proto, "data", None)
    if not data:
        return []
    try:
        table = pa.ipc.open_stream(data).read_all()
    except Exception:  # noqa: BLE001 — not an Arrow stream: nothing to read
        return []
    return [str(name) for name in table.column_names if not str(name).startswith("__")]


def chart_texts(proto):
    """A Vega-Lite chart's title, axis and legend titles, and the names in its legends."""
    spec = json.loads(proto.spec)
    datasets = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas()
                for d in proto.datasets}
    texts = []
    _spec_texts(spec, texts, datasets)
    return texts


def _spec_texts(spec, texts, datasets):
    if isinstance(spec, list):
        for item in spec:
            _spec_texts(item, texts, datasets)
        return
    if not isinstance(spec, dict):
        return
    for key, value in spec.items():
        if key in ("title", "text", "subtitle") and isinstance(value, (str, list)):
            texts.extend([value] if isinstance(value, str) else
                         [v for v in value if isinstance(v, str)])
        elif key in ("data", "datasets", "config", "usermeta", "params", "transform"):
            continue
        elif key == "encoding" and isinstance(value, dict):
            for channel, enc in value.items():
                if not isinstance(enc, dict):
                    continue
                _spec_texts(enc, texts, datasets)
                if channel in LEGEND_CHANNELS and enc.get("legend", {}) is not None:
                    texts.extend(_legend_entries(enc, datasets))
        else:
            _spec_texts(value, texts, datasets)


def _legend_entries(enc, datasets):
    domain = (enc.get("scale") or {}).get("domain")
    if isinstance(domain, list):
        return [d for d in domain if isinstance(d, str)]
    field = enc.get("field")
    if not field or enc.get("type") not in ("nominal", "ordinal", None):
        return []
    names = set()
    for frame in datasets.values():
        if field in frame.columns and frame[field].dtype == object:
            names |= {v for v in frame[field].dropna().unique()[:50] if isinstance(v, str)}
    return sorted(names)


# -- what is still English -------------------------------------------------------------

_FORMULA = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_URL = re.compile(r"https?://\S+|www\.\S+")
_SHORTCODE = re.compile(r":[\w/-]+:")
# PyTorch's (or Python's) own error message, shown as it came: "RuntimeError: …" — its
# words are the library's, as the course notes quote them, not the lab's to translate
_LIBRARY_ERROR = re.compile(r"^\s*[A-Z]\w*(?:Error|Exception|Warning)\\?:.*", re.S)  # (: escaped)
_IDENTIFIER = re.compile(r"\b\w+(?:\.\w+)+(?:\(\S*\))?|\b\w*_\w*\b|\b\w+=\S*"
                         r"|\b[A-Za-z]*[a-z][A-Z]\w*|\b[A-Z]{2,}[a-z]+\w*")
_ALLOWED = re.compile(r"(?<![\w.-])(?:" + "|".join(
    re.escape(n) for n in sorted(ALLOWED, key=len, reverse=True)) + r")(?![\w-])")
_RUN = re.compile(r"[A-Za-z]{2,}(?:[\s,\-]+[A-Za-z]{2,})+")


def english_runs(text):
    """The English word runs left in `text` once formulas, code and names are out."""
    for pattern in (_LIBRARY_ERROR, _FORMULA, _CODE, _URL, _SHORTCODE, _IDENTIFIER, _ALLOWED):
        text = pattern.sub(" § ", text)  # a mark: names on either side stay apart
    return _RUN.findall(text)


def untranslated(texts):
    """The texts that still hold an English run (see english_runs), each once, in order."""
    seen, out = set(), []
    for text in texts:
        if text not in seen and english_runs(text):
            seen.add(text)
            out.append(text)
    return out
