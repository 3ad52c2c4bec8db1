"""A page's dataset: the shared cache, downloads with progress, failures explained."""
import streamlit as st

from lab.data import load
from lab.data.imagefiles import (SOURCES, DatasetUnavailable, fetch_images, missing_files,
                                 resolve_data_dir)
from lab.data.vision import VISION_DATASETS, files_of
from lab.i18n import _


def dataset_or_error(name, seed, standardize):
    """The named dataset; or None, after showing on the page why it cannot be had.

    The files of MNIST, Fashion-MNIST and CIFAR-10 (and of the two-class sets cut from
    them) are downloaded first if missing, with each stage shown in a status box; then
    the dataset is read once, into the shared cache.
    """
    files = files_of(name)
    try:
        if files and missing_files(SOURCES[files], resolve_data_dir()):
            _download(files)
    except DatasetUnavailable as exc:
        st.error(str(exc))
        return None
    try:
        return cached_dataset(name, seed, standardize)
    except ValueError as exc:  # DatasetUnavailable is one: damaged files, no torchvision
        st.error(str(exc))
        return None


def _download(files):
    """Fetch the image set `files` into the data directory, its progress in a status box."""
    title = SOURCES[files].title
    with st.status(_("Fetching {title} …").format(title=title), expanded=True) as status:
        try:
            fetch_images(files, progress=status.write)
        except DatasetUnavailable:
            status.update(label=_("{title} could not be fetched").format(title=title),
                          state="error", expanded=False)
            raise
        status.update(label=_("{title} is ready").format(title=title), state="complete",
                      expanded=False)


def cached_dataset(name, seed, standardize):
    """One copy per process, shared read-only by every session.

    A torchvision set comes with its official split, so the seed plays no part in it:
    one copy, not one per seed (a link cycling seeds would otherwise fill the cache
    with 64 copies of MNIST).
    """
    if name in VISION_DATASETS:
        seed = 0
    # The spinner here, not in the decorator: its text is read when the page runs, in the
    # page's language (st.spinner shows only after 0.5 s, so a cache hit shows nothing)
    with st.spinner(_("Loading the dataset…")):
        return _shared_dataset(name, seed, standardize)


@st.cache_resource(max_entries=64, show_spinner=False)
def _shared_dataset(name, seed, standardize):
    return load(name, seed=seed, standardize=standardize)


cached_dataset.clear = _shared_dataset.clear
