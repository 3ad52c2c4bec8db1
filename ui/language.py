"""The language switch, English / 简体中文: in the sidebar, and in a link as `lang=zh`.

Which language a script run shows, first match wins:
1. the link's `lang` (a lecturer's link opens in Chinese); a value that is not a language of
   the lab is reported as text under the switch and dropped from the URL;
2. the session's choice (the switch, or an earlier link);
3. on a first visit, the browser's language (st.context.locale): zh, zh-CN, zh-TW… → zh.

The choice belongs to the session and stays from page to page; while it is Chinese the URL
carries `lang=zh`, so a copied link opens in Chinese. A page that writes its own URL
(ui.controls, ui.lessons) adds `link_params()` to it, as it does for lecture=1.
"""
import streamlit as st

from lab import i18n
from ui.text import quoted

STATE = "lab.language"      # the session's language; not the widget's key (see switch())
KEY = "lab.lang"            # the switch
BAD = "lab.language.bad"    # a link's value that was not a language, shown until a choice
SHOWN_TRANSLATED = "lab.language.widgets"  # keys of widgets whose choices show translated
PARAM = "lang"
LABELS = {"en": "English", "zh": "简体中文"}  # each in its own language: never translated


def resolve():
    """The language of this script run (see the module's docstring); sets it with
    lab.i18n.use() and returns it. Call before anything is drawn."""
    raw = st.query_params.get(PARAM)
    if raw is not None:
        lang = _parse(raw)
        if lang is None:
            st.session_state[BAD] = raw
            del st.query_params[PARAM]
        else:
            if lang != st.session_state.get(STATE, lang):  # a link, or the browser's Back
                _hold_translated()
            st.session_state[STATE] = lang
    if STATE not in st.session_state:
        st.session_state[STATE] = from_locale(st.context.locale)
    lang = st.session_state[STATE]
    _keep_in_url(lang)
    return i18n.use(lang)


def _parse(raw):
    """'zh', 'zh-CN', 'ZH_tw' → 'zh'; 'en', 'en-GB' → 'en'; anything else → None."""
    base = raw.strip().lower().replace("_", "-").split("-")[0]
    return base if base in i18n.LANGUAGES else None


def from_locale(locale):
    """The lab's language for a browser's `navigator.language` (None when not known)."""
    return "zh" if (locale or "").strip().lower().startswith("zh") else i18n.DEFAULT


def link_params():
    """What a page that writes its own URL adds to it: {"lang": "zh"} while Chinese."""
    lang = st.session_state.get(STATE, i18n.DEFAULT)
    return {PARAM: lang} if lang != i18n.DEFAULT else {}


def _keep_in_url(lang):
    wanted = link_params().get(PARAM)
    if st.query_params.get(PARAM) != wanted:
        if wanted is None:
            del st.query_params[PARAM]
        else:
            st.query_params[PARAM] = wanted


def switch(where=None):
    """The switch, in the sidebar (or `where`), and a bad link value under it."""
    where = where or st.sidebar
    st.session_state[KEY] = st.session_state[STATE]
    where.segmented_control("Language · 语言", list(LABELS), key=KEY, format_func=LABELS.get,
                            required=True, on_change=_switched, label_visibility="collapsed")
    bad = st.session_state.get(BAD)
    if bad is not None:
        where.warning(i18n._("The link's language {value} is not one of this lab's: "
                             "English or 简体中文 (lang=en or lang=zh). It was left out.")
                      .format(value=quoted(bad, 20)))


def translated(key):
    """`key`, noted as a widget whose choices are shown translated (a format_func of
    _()): see _switched. Returns the key, for `key=language.translated(...)`."""
    st.session_state.setdefault(SHOWN_TRANSLATED, set()).add(key)
    return key


def _switched():
    lang = st.session_state[KEY]
    st.session_state[STATE] = lang
    st.session_state.pop(BAD, None)
    _keep_in_url(lang)
    _hold_translated()


def _hold_translated():
    """Before a run in another language. A selectbox, radio, select slider or multiselect
    sends back, and keeps, the label of its choice, not the choice: in the other language
    that label is no choice at all, and Streamlit took the first choice (batch 1), none
    (the reduction) or the label itself as the value (dataset 'hours → pass (C1)'). So
    each such widget's value is read back (as the last run drew it) and set again: the
    value, which the next run shows with its new label."""
    for key in st.session_state.get(SHOWN_TRANSLATED, ()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
