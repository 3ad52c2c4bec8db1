"""The settings widgets of a training page: each reads its default from RunConfig."""

import streamlit as st

from lab.config import MAX_EPOCHS, MAX_SEED, RunConfig
from lab.data import DATASETS
from lab.i18n import N_, _, current
from lab.source import source_of
from lab.urlstate import from_params, to_params
from ui import language, lecture
from ui.text import quoted

LEARNING_RATES = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05,
                  0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
FULL_BATCH = 1 << 20  # larger than any bundled split: the whole training set at once
BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, FULL_BATCH]
KEEP = dict(persist_state="session")  # a setting survives a visit to another page
IMPL_LABELS = {"manual": N_("manual"), "nn": "torch.nn", "both": N_("both")}  # shown: _(label)
REDUCTIONS = {"mean": N_("mean"), "sum": N_("sum")}


def run_settings(page, model, datasets, defaults, omit=(), notes=st, narrow=False):
    """Draw the settings widgets of `page`; return the RunConfig they describe.

    The settings that differ from `defaults` are kept in the URL, so a link
    opens the same page with the same settings (and `train=1` starts training).
    `omit` may name "standardize": its widget is left out and the default kept
    (one feature on a fixed scale, as in linear regression, has no use for it).
    `notes`: where a link's invalid settings are reported (lecture mode: not in the
    popover that holds the widgets); `narrow`: fewer widgets to a row (that popover).
    """
    k = lambda name: f"{page}.{name}"  # noqa: E731 — widget keys, stable for presets and URLs
    shown = lambda name: language.translated(k(name))  # noqa: E731 — its choices translated
    for name, value in defaults.to_dict().items():
        st.session_state.setdefault(k(name), value)
    _settings_from_url(page, datasets, notes)
    c = _places(narrow)
    # The values stay English (keys, URL, presets); format_func shows them translated
    dataset = c[0].selectbox(_("Dataset"), datasets, key=shown("dataset"), **KEEP,
                             format_func=_named(DATASET_LABELS))
    impl = c[1].segmented_control(_("Implementation"), list(IMPL_LABELS), key=shown("impl"),
                                  **KEEP,
                                  format_func=_named(IMPL_LABELS), required=True,
                                  help=_("manual: plain tensors and hand-written functions; "
                                         "torch.nn: nn.Linear, the library loss, optim.SGD; "
                                         "both: the two twins in lockstep on the same batches."))
    lr = c[2].select_slider(_("Learning rate"), LEARNING_RATES, key=k("lr"), **KEEP,
                            format_func=lambda v: f"{v:g}",
                            help=_("Step size of each update: w ← w − lr·∂L/∂w "
                                   "(log scale)."))
    batch_size = c[3].select_slider(_("Batch size"), BATCH_SIZES, key=shown("batch_size"), **KEEP,
                                    format_func=_named({FULL_BATCH: N_("full")}),
                                    help=_("Examples per update; 'full' uses the whole training "
                                           "set."))
    num_epochs = c[4].number_input(_("Epochs"), 1, MAX_EPOCHS, key=k("num_epochs"), **KEEP,
                                   step=10)
    seed = c[5].number_input(_("Seed"), 0, MAX_SEED, key=k("seed"), **KEEP,
                             help=_("Fixes the split, the initial parameters and the batch order."))
    init = c[6].selectbox(_("Initialization"), list(INIT_LABELS), key=shown("init"), **KEEP,
                          format_func=_named(INIT_LABELS))
    reduction = c[7].radio(_("Loss reduction"), list(REDUCTIONS), key=shown("reduction"), **KEEP,
                           horizontal=True, format_func=_named(REDUCTIONS),
                           help=_("sum is the slides' BCELoss(size_average=False)."))
    standardize = defaults.standardize
    if "standardize" not in omit:
        standardize = c[8].toggle(_("Standardize"), key=k("standardize"), **KEEP,
                                  help=_("z-score each feature with the training split's mean "
                                         "and std."))
    config = RunConfig(model=model, dataset=dataset, impl=impl, lr=lr, batch_size=batch_size,
                       num_epochs=int(num_epochs), seed=int(seed), init=init,
                       reduction=reduction, standardize=standardize)
    params = to_params(config, defaults)
    if lecture.on():
        params[lecture.PARAM] = "1"
    params.update(language.link_params())
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state[k("url")] = params
    return config


def _named(labels):
    """A format_func: a choice's label, translated now (a value without a label as itself).

    Translated when the widget is drawn, not when called: Streamlit calls it again outside
    the script run (to map a value to its label, in a callback or a test), where the
    language is not this session's."""
    shown = {value: _(label) for value, label in labels.items()}
    return lambda value: shown.get(value, str(value))


# Widths for the longest choices at 1280 px beside the sidebar: a dataset's name, the three
# implementations, nn.Linear's default (equal columns cut them: "bo" for both). Narrow (lecture
# mode's popover, 700 px): dataset and implementation get a row of their own.
ROWS = ([3.3, 3, 1.85, 1.85], [1.5, 1.5, 2.7, 1.8, 1.8])
# In Chinese the implementations are wider (手动实现, 两者并行: 4 wide characters each) and
# the datasets' names shorter
WIDE_ROWS = {"zh": ([2.8, 3.65, 1.75, 1.8], ROWS[1])}
NARROW_ROWS = ([1, 1], [1, 1, 1, 1], [1.4, 1, 1])


def _places(narrow):
    """A place for each setting, in the order dataset, implementation, learning rate, batch
    size, epochs, seed, initialization, reduction, standardize; rows of columns."""
    rows = NARROW_ROWS if narrow else WIDE_ROWS.get(current(), ROWS)
    return [c for widths in rows for c in st.columns(widths)]


def _settings_from_url(page, datasets, notes):
    """Adopt the settings of a link just opened; say which parts of it were not valid."""
    url = st.query_params.to_dict()
    if url != st.session_state.get(f"{page}.url"):  # a link just opened, not our own URL
        settings, problems = from_params(url, datasets, LEARNING_RATES, BATCH_SIZES)
        settings.pop(lecture.PARAM, None)  # a layout, adopted by ui.lecture before the page drew
        for name, value in settings.items():
            st.session_state[f"{page}.{name}"] = value
        if url.get("train") == "1" and not problems:  # a broken link does not start a run
            st.session_state[f"{page}.autostart"] = True
        st.session_state[f"{page}.url_problems"] = (problems, url.get("train") == "1")
    problems, wanted_training = st.session_state.get(f"{page}.url_problems") or ([], False)
    if problems:  # kept on screen until another link is opened; its values are data
        settings = _(", ").join(f"`{name}` = {quoted(value, 40)}" for name, value in problems)
        if wanted_training:
            notes.warning(_("The link you opened had settings that are not valid here: "
                            "{settings}. Those settings keep their defaults. Training did not "
                            "start: check the settings, then press **Train**.").format(
                                settings=settings))
        else:
            notes.warning(_("The link you opened had settings that are not valid here: "
                            "{settings}. Those settings keep their defaults.").format(
                                settings=settings))


# What the choices are called on screen (the values, the keys here, stay English): _(label)
INIT_LABELS = {"default": N_("nn.Linear's default"), "zeros": N_("zeros"),
               "normal": "N(0, 1) (torch.randn)"}
DATASET_LABELS = {
    "hours": N_("hours → pass (C1)"),
    "iris": N_("iris: setosa vs versicolor (C2)"),
    "mnist-0v1": N_("MNIST: 0 vs 1 (download)"),
    "fashion-mnist-tshirt-v-trouser": N_("Fashion: T-shirt vs trouser (download)"),
    "synthetic": N_("synthetic 2-D (C3)"),
    "breast-cancer": N_("breast cancer (30 features)"),
    "hours-points": N_("hours → points (C6)"),
    "digits": N_("digits 8×8 (bundled, offline)"),
    "iris3": N_("iris: 3 species"),
    "mnist": N_("MNIST (C5, download)"),
    "fashion-mnist": N_("Fashion-MNIST (C4, download)"),
    "cifar10": N_("CIFAR-10 (C5, download)"),
    "csv": N_("your own CSV…"),
}


def show_source(*objects):
    """The exact source of what is running, read from the code itself."""
    for obj in objects:
        st.code(source_of(obj), language="python")


def available(names):
    """The dataset names of `names` that the registry knows (others arrive with later code)."""
    return [n for n in names if n in DATASETS]
