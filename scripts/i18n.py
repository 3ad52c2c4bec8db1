"""The message catalogs: extract the lab's strings, check the translations, start a new .po.

    .venv/bin/python scripts/i18n.py extract            # every msgid in the code → locale/lab.pot
    .venv/bin/python scripts/i18n.py check              # exit 1, listing each problem
    .venv/bin/python scripts/i18n.py new AREA FILE...   # locale/zh/LC_MESSAGES/AREA.po with
                                                        # FILEs' msgids that no .po has yet

The strings are those in `_()`, `N_()`, `ngettext()` and `pgettext()` calls (lab/i18n.py) in
the files babel.cfg names (app.py, lab/, ui/, views/). `check` fails on:
- missing: a msgid in the code with no non-empty, non-fuzzy zh translation in any .po;
- stale: a .po msgid that is no longer in the code;
- conflict: one msgid translated differently in two .po files;
- placeholder: the `{name}` fields of a msgid and its translation differ;
- plural: ngettext in the code and a .po entry without plural forms, or the other way;
- code: an f-string or a concatenation inside `_()` (the msgid must be a literal), a
  positional `{}` placeholder (name them), a module that imports `_` and also assigns `_`
  (a throwaway `_` makes `_()` a local variable there: UnboundLocalError).
"""
import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANG = "zh"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
PLURAL_FORMS = "nplurals=1; plural=0;"
PROJECT = "Logistic Regression Lab"
HEADER = ("# The Logistic Regression Lab in Chinese (zh): written by scripts/i18n.py.\n"
          "# Fill in each msgstr with the course's terms (locale/GLOSSARY.md); keep Markdown\n"
          "# (**bold**, `code`), formulas ($…$) and every {placeholder} as they are. Then run\n"
          "# .venv/bin/python scripts/i18n.py check")


# -- the code's messages ---------------------------------------------------------------

class Found:
    """A message of the code: its msgid (a str, or (singular, plural)), context, places."""

    def __init__(self, msgid, context):
        self.msgid, self.context, self.places, self.comments = msgid, context, [], []

    @property
    def key(self):
        return key_of(self.msgid, self.context)


def key_of(msgid, context):
    return (context or None, msgid[0] if isinstance(msgid, (tuple, list)) else msgid)


def _method_map(root):
    with open(Path(root) / "babel.cfg", encoding="utf-8") as f:
        return parse_mapping_cfg(f, "babel.cfg")


def _collect(found, filename, lineno, message, comments, context):
    if isinstance(message, (tuple, list)) and not all(message):
        return  # a call whose arguments are not all literals (_(TITLE)): the N_ pattern
    if not message:
        return
    msgid = tuple(message) if isinstance(message, (tuple, list)) else message
    key = key_of(msgid, context)
    item = found.get(key)
    if item is None:
        item = found[key] = Found(msgid, context)
    elif isinstance(msgid, tuple) and not isinstance(item.msgid, tuple):
        item.msgid = msgid  # the plural call names both forms
    item.places.append((filename, lineno))
    item.comments.extend(c for c in comments if c not in item.comments)


def code_messages(root=ROOT, files=None):
    """key → Found for every message in the code (or in `files` only, paths from root)."""
    root = Path(root)
    found = {}
    if files is None:
        method_map, options_map = _method_map(root)
        for filename, lineno, message, comments, context in extract_from_dir(
                str(root), method_map, options_map, keywords=KEYWORDS,
                comment_tags=COMMENT_TAGS, strip_comment_tags=True):
            _collect(found, filename, lineno, message, comments, context)
        return found
    for name in files:
        path = Path(name) if Path(name).is_absolute() else root / name
        relative = path.resolve().relative_to(root.resolve()).as_posix()
        for lineno, message, comments, context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
                strip_comment_tags=True):
            _collect(found, relative, lineno, message, comments, context)
    return found


def source_files(root=ROOT):
    root = Path(root)
    files = [root / "app.py"] if (root / "app.py").exists() else []
    for package in ("lab", "ui", "views"):
        files += sorted((root / package).rglob("*.py"))
    return [f for f in files if ".venv" not in f.parts]


def code_problems(root=ROOT):
    """What the AST shows: a non-literal msgid built in the call, a shadowed `_`."""
    problems = []
    for path in source_files(root):
        where = Path(path).relative_to(root).as_posix()
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), str(path))
        imports_underscore = any(
            isinstance(node, ast.ImportFrom) and node.module == "lab.i18n"
            and any(a.name == "_" and a.asname is None for a in node.names)
            for node in ast.walk(tree))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in KEYWORDS:
                for arg in node.args[:3]:
                    if isinstance(arg, (ast.JoinedStr, ast.BinOp)):
                        problems.append(f"code: {where}:{node.lineno}: {node.func.id}() of an "
                                        "f-string or a concatenation; use a literal with named "
                                        "placeholders and .format()")
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                            and re.search(r"(?<!\{)\{\d*\}(?!\})", arg.value) \
                            and "$" not in arg.value and "\\" not in arg.value:
                        problems.append(f"code: {where}:{node.lineno}: positional placeholder "
                                        f"in {arg.value!r}; name it ({{epoch}})")
            if imports_underscore and isinstance(node, ast.Name) and node.id == "_" \
                    and isinstance(node.ctx, ast.Store):
                problems.append(f"code: {where}:{node.lineno}: `_` is assigned in a module "
                                "that imports _() from lab.i18n; name the throwaway otherwise")
    return problems


# -- the translations ------------------------------------------------------------------

def po_files(locale_dir):
    return sorted((Path(locale_dir) / LANG / "LC_MESSAGES").glob("*.po"))


def read_catalog(path):
    with open(path, "rb") as f:
        return read_po(f, locale=LANG, abort_invalid=True)


def usable(message):
    if not message.id or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(s.strip() for s in strings)


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(text):
    """The `{...}` fields of a str.format string ({{ and }} are literal braces)."""
    return set(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def check(root=ROOT, locale_dir=None):
    """Every problem of the catalogs against the code, as lines of text (none: all good)."""
    root = Path(root)
    locale_dir = Path(locale_dir) if locale_dir else root / "locale"
    code = code_messages(root)
    problems = code_problems(root)
    translated = defaultdict(list)  # key → [(file, message)] of the usable entries
    for path in po_files(locale_dir):
        name = path.name
        try:
            po = read_catalog(path)
        except Exception as exc:  # noqa: BLE001 — a broken file is a problem to list
            problems.append(f"broken: {name}: {exc}")
            continue
        for message in po:
            if not message.id:
                continue
            key = key_of(message.id, message.context)
            if key not in code:
                problems.append(f"stale: {name}: {_show(key)} is no longer in the code")
                continue
            wants_plural = isinstance(code[key].msgid, tuple)
            if wants_plural != message.pluralizable:
                problems.append(f"plural: {name}: {_show(key)} is "
                                f"{'ngettext' if wants_plural else 'not plural'} in the code")
                continue
            if not usable(message):
                continue
            translated[key].append((name, message))
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set().union(*(placeholders(i) for i in ids))
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for s in strings:
                if placeholders(s) != wanted:
                    problems.append(f"placeholder: {name}: {_show(key)} has "
                                    f"{sorted(wanted)}, its translation {s!r} has "
                                    f"{sorted(placeholders(s))}")
    for key, entries in translated.items():
        versions = {}
        for name, message in entries:
            versions.setdefault(_strings(message), []).append(name)
        if len(versions) > 1:
            problems.append(f"conflict: {_show(key)} is translated differently in "
                            + "; ".join(f"{', '.join(names)}: {' | '.join(s)!r}"
                                        for s, names in versions.items()))
    for key, item in code.items():
        if key not in translated:
            file, line = item.places[0]
            problems.append(f"missing: {file}:{line}: {_show(key)} has no {LANG} translation")
    return problems


def _strings(message):
    return tuple(message.string) if isinstance(message.string, tuple) else (message.string,)


def _show(key):
    context, msgid = key
    return (f"[{context}] " if context else "") + repr(msgid)


# -- writing .pot and .po --------------------------------------------------------------

def _catalog(found, locale=None):
    catalog = Catalog(locale=locale, project=PROJECT, version="1", charset="utf-8",
                      fuzzy=False, header_comment=HEADER, msgid_bugs_address="",
                      last_translator="", language_team="")
    for item in found.values():
        catalog.add(item.msgid, locations=item.places,
                    auto_comments=item.comments, context=item.context)
    return catalog


def _write(path, catalog):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, include_lineno=False)


def extract(root=ROOT, out=None):
    out = Path(out) if out else Path(root) / "locale" / "lab.pot"
    found = code_messages(root)
    _write(out, _catalog(found))
    return out, len(found)


def new(area, files, root=ROOT, locale_dir=None):
    """Write (or extend) AREA.po with the msgids of `files` that no .po has yet."""
    root = Path(root)
    locale_dir = Path(locale_dir) if locale_dir else root / "locale"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", area):
        raise SystemExit(f"AREA must be a short lower-case name (home, logistic): {area!r}")
    have = set()
    for path in po_files(locale_dir):
        have |= {key_of(m.id, m.context) for m in read_catalog(path) if m.id}
    wanted = {k: v for k, v in code_messages(root, files).items() if k not in have}
    path = locale_dir / LANG / "LC_MESSAGES" / f"{area}.po"
    catalog = read_catalog(path) if path.exists() else _catalog({}, locale=LANG)
    for item in wanted.values():
        catalog.add(item.msgid, locations=item.places, auto_comments=item.comments,
                    context=item.context)
    _write(path, catalog)
    return path, len(wanted)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("extract", help="write locale/lab.pot")
    sub.add_parser("check", help="exit 1 and list the problems of the catalogs")
    make = sub.add_parser("new", help="start AREA.po with FILES' untranslated msgids")
    make.add_argument("area")
    make.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "extract":
        path, count = extract()
        print(f"{count} messages → {path.relative_to(ROOT)}")
    elif args.command == "new":
        path, count = new(args.area, args.files)
        print(f"{count} new messages → {path.relative_to(ROOT)} (fill in each msgstr, "
              "following locale/GLOSSARY.md; then run: scripts/i18n.py check)")
    else:
        problems = check()
        for line in problems:
            print(line)
        count = len(code_messages())
        print(f"{count} messages in the code, {len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
