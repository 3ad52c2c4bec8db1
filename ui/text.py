"""User-supplied text (file and column names, link parameters, typed values) shown as text.

Streamlit renders the text of st.markdown, captions, warnings and widget labels as
Markdown, with LaTeX between dollar signs, emoji shortcodes (:smile:) and colour
directives (:red[…]). A name from a CSV or a value from a link must never become a link,
an image, a formula or a heading inside the lab's own words: `plain` escapes it.
"""
import re

from lab.numbers import human

MAX_CHARS = 80  # a name longer than this is cut in messages: it is data, not a paragraph
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-!|$~=:\"'^&.])")
# Not escapable: Streamlit's GFM turns a bare https://…, www.… or a@b.c into a link after
# parsing (so a backslash or a character reference does not help). An invisible word
# joiner inside the pattern breaks it: the text reads the same and is no longer a link.
# Emoji shortcodes (:smile:, :material/home:) are matched after parsing too: same cure.
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=www)(?=\\?\.)|(?<=@)|(?<=:)(?=[\w+-])",
                       re.IGNORECASE)
_JOINER = "\u2060"


def plain(text, limit=MAX_CHARS):
    """`text` as literal Markdown: one line, at most `limit` characters, every sign escaped."""
    text = _CONTROL.sub(" ", str(text))
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    text = _AUTOLINK.sub(_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text)


def quoted(text, limit=MAX_CHARS):
    """`text` in quotes, escaped for Markdown, for a message that names it."""
    return f"“{plain(text, limit)}”"


LABEL_CHARS = 22  # an axis label or picture title: longer names are cut in the middle


def short_labels(names, limit=LABEL_CHARS):
    """Names cut to `limit` characters and still told apart.

    The middle goes ("a long class na…me 17"), so names that differ at the end stay
    different; any that still match are numbered. Charts would otherwise cut every long
    name at the same width, and twenty classes could read the same.
    """
    def cut(name):
        name = _CONTROL.sub(" ", str(name))
        if len(name) <= limit:
            return name
        head = (limit - 1) // 2
        return name[:head] + "…" + name[-(limit - 1 - head):]

    labels = [cut(n) for n in names]
    if len(set(labels)) < len(labels):
        labels = [f"{i}: {label}" for i, label in enumerate(labels)]
    return labels


def numbers_as_text(frame, columns=None, digits=4):
    """A table's number columns as text in lab.numbers.human's format ("—" for none).

    Text, not a Styler: the browser's grid marks a float past 2**53 (a diverged run's
    1.9e+16) as an error and shows all its digits, whatever the Styler says.
    """
    frame = frame.copy()
    for c in frame.columns if columns is None else columns:
        frame[c] = [("—" if v is None or v != v else human(v, digits)) for v in frame[c]]
    return frame
