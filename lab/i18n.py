"""The lab's languages: English (the source text) and 简体中文, with gettext's conventions.

    from lab.i18n import _, N_, ngettext

    _("Train")                                    # a string shown to the learner
    _("Epoch {epoch} of {total}").format(epoch=3, total=20)   # named placeholders, no f-string
    ngettext("{n} epoch", "{n} epochs", n).format(n=n)       # where a number picks the form
    TITLE = N_("Loss curves")                     # a module constant: marked, translated
    ...st.subheader(_(TITLE))                      # where it is shown

English is the source: `_()` returns its msgid unchanged, so the English pages are
byte-identical to the text in the code. The translations are every
`locale/zh/LC_MESSAGES/*.po` (one file per area of the lab), read with Babel and merged
once per process, at first use. `scripts/i18n.py check` keeps them in step with the code.

The language is per script run, not per process: `use(lang)` sets a ContextVar, and
Streamlit runs each script run in a thread of its own (a new thread starts with the
default, English), so one session's language never reaches another's. app.py calls
`use()` at the top of every run. Whatever runs outside app.py's run (a fragment rerun,
a widget callback, which runs before app.py) must call `use()` itself if it shows text.
"""
import contextvars
import gettext
import threading
from pathlib import Path

LANGUAGES = ("en", "zh")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_language = contextvars.ContextVar("lab_language", default=DEFAULT)
_catalogs = {}  # language → Catalog, built once per process
_lock = threading.Lock()


def use(lang):
    """Show this script run (this thread's context) in `lang`; returns the language set."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    _language.set(lang)
    return lang


def current():
    """The language of this script run."""
    return _language.get()


def _(msgid):
    """`msgid` in the current language (itself in English, or where no translation is)."""
    lang = _language.get()
    if lang == DEFAULT:
        return msgid
    return catalog(lang).gettext(msgid)


def N_(msgid):
    """Mark a string for extraction where it is defined; translate it with `_()` where shown."""
    return msgid


def ngettext(singular, plural, n):
    """The form of `singular`/`plural` that the count `n` takes in the current language."""
    lang = _language.get()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return catalog(lang).ngettext(singular, plural, n)


def pgettext(context, msgid):
    """`msgid` translated in a context, for a short English word with two meanings
    (pgettext("button", "Step") vs pgettext("noun", "Step"))."""
    lang = _language.get()
    if lang == DEFAULT:
        return msgid
    return catalog(lang).pgettext(context, msgid)


class Catalog:
    """One language's translations, merged from all its .po files: (context, msgid) → text,
    or a tuple of plural forms; and the plural rule of the files' Plural-Forms header."""

    def __init__(self, messages, plural):
        self.messages, self.plural = messages, plural

    def gettext(self, msgid):
        found = self.messages.get((None, msgid))
        return found if isinstance(found, str) and found else msgid

    def pgettext(self, context, msgid):
        found = self.messages.get((context, msgid))
        return found if isinstance(found, str) and found else msgid

    def ngettext(self, singular, plural, n):
        forms = self.messages.get((None, singular))
        if isinstance(forms, tuple):
            index = self.plural(n)
            if index < len(forms) and forms[index]:
                return forms[index]
        return singular if n == 1 else plural


def po_files(lang, locale_dir=LOCALE_DIR):
    return sorted((Path(locale_dir) / lang / "LC_MESSAGES").glob("*.po"))


def read_catalogs(lang, locale_dir=LOCALE_DIR):
    """[(path, babel Catalog)] of every .po of `lang`, in name order."""
    from babel.messages.pofile import read_po  # Babel only where the catalogs are read
    out = []
    for path in po_files(lang, locale_dir):
        with open(path, "rb") as f:
            out.append((path, read_po(f, locale=lang, abort_invalid=True)))
    return out


def usable(message):
    """Whether a .po entry's translation is used: not the header, not fuzzy, not empty."""
    if not message.id or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def compile_catalog(lang, locale_dir=LOCALE_DIR):
    """Merge every .po of `lang` into one Catalog. A msgid translated two ways is the
    check's to report (scripts/i18n.py); here the first file in name order wins."""
    messages, plural_expr = {}, None
    for _path, po in read_catalogs(lang, locale_dir):
        plural_expr = plural_expr or po.plural_expr
        for message in po:
            if not usable(message):
                continue
            key = (message.context, message.id[0] if isinstance(message.id, tuple) else message.id)
            value = tuple(message.string) if isinstance(message.string, tuple) else message.string
            messages.setdefault(key, value)
    rule = gettext.c2py(plural_expr or "0")
    return Catalog(messages, rule)


def catalog(lang):
    """`lang`'s Catalog, compiled at first use and kept for the life of the process."""
    found = _catalogs.get(lang)
    if found is None:
        with _lock:
            found = _catalogs.get(lang)
            if found is None:
                found = _catalogs[lang] = compile_catalog(lang)
    return found


def reload():
    """Forget the compiled catalogs (tests, or after editing a .po in a running process)."""
    with _lock:
        _catalogs.clear()


class Said:
    """A sentence said in the language of the moment it is shown: a msgid (marked with N_
    where it is written) and its named values, each a plain value, a Said or a Joined (a
    phrase within it). str() says it. What a session or a cache keeps is this, never the
    sentence: a learner who switches language reads it in the new one."""

    def __init__(self, msgid, **values):
        self.msgid, self.values = msgid, values

    def __str__(self):
        text = _(self.msgid)
        return text.format(**self.values) if self.values else text

    def __format__(self, spec):  # a Said inside another's {placeholder}
        return format(str(self), spec)

    def __eq__(self, other):
        return isinstance(other, Said) and (self.msgid, self.values) == (other.msgid,
                                                                          other.values)

    def __hash__(self):
        return hash(self.msgid)

    def __repr__(self):
        return f"Said({self.msgid!r}, **{self.values!r})"


class Joined:
    """Saids (or plain values) joined by `sep`, a msgid too: "; " is "；" in Chinese."""

    def __init__(self, sep, items):
        self.sep, self.items = sep, list(items)

    def __str__(self):
        return _(self.sep).join(map(str, self.items))

    def __format__(self, spec):
        return format(str(self), spec)


def words(value):
    """A Said or Joined said now; any other value as it is."""
    return str(value) if isinstance(value, (Said, Joined)) else value
