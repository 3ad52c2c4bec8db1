"""The user's own CSV as a dataset: upload, choose the label column, see what is wrong."""
import hashlib
from dataclasses import dataclass, replace

import streamlit as st

from lab.data.csvdata import CsvError, Said, csv_dataset, decode, describe, read_table
from lab.data import as_classes, standardized
from lab.i18n import N_, _
from ui.datasets import dataset_or_error
from ui.text import plain, quoted

CHOICE = "csv"  # the dataset option that means "my own file"
TASKS = {"binary": N_("binary"), "multiclass": N_("multiclass")}  # as a message names them
CACHED_FILES = 4  # header and dataset (or refusal) of the newest file or two, per session


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
        _("Your CSV: numeric feature columns and one label column, a header row first"),
        type=["csv", "txt"], key=f"{page}.upload")
    if upload is None:
        st.info(_("Upload a CSV file to train on it. Labels may be any two values for "
                  "logistic regression (up to 20 classes for softmax); every other column "
                  "must be numeric."))
        return None
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        header = _cached(("header", digest), lambda: read_table(decode(raw))[0])
        label = st.selectbox(_("Label column"), header, index=len(header) - 1,
                             key=f"{page}.label.{upload.file_id}")
        data = _cached((digest, upload.name, config.seed, label, config.standardize, tasks),
                       lambda: _prepared(raw, upload.name, config, label, tasks, digest))
    except CsvError as exc:
        st.error(_("**{file}** cannot be used: {why}").format(file=plain(upload.name),
                                                               why=plain(exc, limit=600)))
        return None
    if data.task not in tasks:
        st.error(_("**{file}** has {count} classes in {label}; this page's model needs {tasks} "
                   "labels. Choose another label column or file.").format(
            file=plain(upload.name), count=data.num_classes, label=quoted(label),
            tasks=_(" or ").join(_(TASKS.get(task, task)) for task in tasks)))
        return None
    # said again in the language of this run: data.description is in the language of the
    # run that read the file
    rows = len(data.y_train) + (0 if data.y_test is None else len(data.y_test))
    st.caption(plain(describe(upload.name, rows, data.feature_names, label, data.class_names),
                     limit=400))
    return data


def _prepared(raw, name, config, label, tasks, digest):
    """The file as the page's model takes it: split by the seed, two classes as k = 2 for
    softmax, standardized if asked; `source` says which file (a run compares it)."""
    data = replace(csv_dataset(raw, name, config.seed, label), source=digest)
    if data.task == "binary" and "multiclass" in tasks:
        data = as_classes(data)  # softmax regression with k = 2
    return standardized(data) if config.standardize else data


def _cached(key, make):
    """Made once per key in this session: a rerun (every click) does not parse the file
    again, and the run made from it keeps seeing the very same Dataset. A refused file
    is kept as its message alone and refused again from it, unread: the message's facts
    (Said), not its sentence, so it is said in the language of the run that shows it."""
    cache = st.session_state.setdefault("lab.csv_cache", {})
    if key not in cache:
        if len(cache) >= CACHED_FILES:
            cache.clear()
        try:
            cache[key] = make()
        except CsvError as exc:  # not the exception: its frames hold the file's text
            cache[key] = Refused(exc.said)
    if isinstance(cache[key], Refused):
        raise CsvError(cache[key].said)
    return cache[key]


@dataclass(frozen=True)
class Refused:
    """Why a file cannot be used: CsvError's msgid and facts, said when shown."""

    said: Said
