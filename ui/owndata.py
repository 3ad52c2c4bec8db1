"""The user's own CSV as a dataset: upload, choose the label column, see what is wrong."""
import streamlit as st

from lab.csvdata import CsvError, csv_dataset, decode, read_table
from lab.datasets import as_classes, standardized
from ui.fetch import dataset_or_error

CHOICE = "csv"  # the dataset option that means "my own file"


def page_dataset(page, config, tasks):
    """(config, data): the uploaded CSV or the named set; data None after a message.

    For an upload the config names the file (csv:NAME), as runs and exports show it.
    """
    if config.dataset != CHOICE:
        return config, dataset_or_error(config.dataset, config.seed, config.standardize)
    data = own_dataset(page, config, tasks)
    return (config, None) if data is None else (config.with_(dataset=data.name), data)


def own_dataset(page, config, tasks):
    """The uploaded CSV as a Dataset this page's model can learn, or None (with a message).

    `tasks` are the dataset tasks the page's model can learn (binary, multiclass).
    The file stays in this session only; nothing in it is evaluated.
    """
    upload = st.file_uploader(
        "Your CSV: numeric feature columns and one label column, a header row first",
        type=["csv", "txt"], key=f"{page}.upload")
    if upload is None:
        st.info("Upload a CSV file to train on it. Labels may be any two values for logistic "
                "regression (up to 20 classes for softmax); every other column must be numeric.")
        return None
    raw = upload.getvalue()
    try:
        header, _ = read_table(decode(raw))
        label = st.selectbox("Label column", header, index=len(header) - 1,
                             key=f"{page}.label.{upload.file_id}")
        data = _parse(raw, upload.name, config.seed, label)
    except CsvError as exc:
        st.error(f"**{upload.name}** cannot be used: {exc}")
        return None
    if data.task == "binary" and "multiclass" in tasks:
        data = as_classes(data)  # softmax regression with k = 2
    if data.task not in tasks:
        st.error(f"**{upload.name}** has {data.num_classes} classes in '{label}'; this page's "
                 f"model needs {' or '.join(tasks)} labels. Choose another label column or file.")
        return None
    st.caption(data.description)
    return standardized(data) if config.standardize else data


def _parse(raw, name, seed, label):
    """Parsed once per file, seed and label in this session (the split depends on the seed)."""
    key = (name, hash(raw), seed, label)
    cache = st.session_state.setdefault("lab.csv_cache", {})
    if key not in cache:
        cache.clear()  # one file at a time per session
        cache[key] = csv_dataset(raw, name, seed, label)
    return cache[key]
