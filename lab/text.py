"""A user's text inside the lab's own messages: a dataset name, a column, a label.

The lab says what it could not use, and names it; a name may be 20 000 characters
long, so it is cut first. (How a page shows such text, escaped, is ui.text's job.)
"""


def shortened(text, limit=60):
    """A user's text cut for a message: a 20 000-character name is not echoed whole."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"
