"""A page's dataset, with torchvision's files fetched in view and a failure explained."""
import streamlit as st

from lab.data.imagefiles import (SOURCES, DatasetUnavailable, load_images, missing_files,
                            resolve_data_dir)
from ui.controls import cached_dataset


def dataset_or_error(name, seed, standardize):
    """The named dataset; or None, after showing on the page why it cannot be had.

    The files of MNIST, Fashion-MNIST and CIFAR-10 are downloaded first if
    missing, with the loader's progress shown in a status box.
    """
    if name in SOURCES:
        try:
            if missing_files(SOURCES[name], resolve_data_dir()):
                _download(name)
        except DatasetUnavailable as exc:
            st.error(str(exc))
            return None
    try:
        return cached_dataset(name, seed, standardize)
    except ValueError as exc:  # DatasetUnavailable is one: damaged files, no torchvision
        st.error(str(exc))
        return None


def _download(name):
    title = SOURCES[name].title
    with st.status(f"Fetching {title} …", expanded=True) as status:
        try:
            load_images(name, progress=status.write)
        except DatasetUnavailable:
            status.update(label=f"{title} could not be fetched", state="error", expanded=False)
            raise
        status.update(label=f"{title} is ready", state="complete", expanded=False)
