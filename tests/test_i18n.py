"""The translation machinery: lab.i18n's lookups, per-thread languages, and the catalog check
(scripts/i18n.py) — on the real catalogs, and on broken ones that it must catch."""
import importlib.util
import textwrap
import threading
from pathlib import Path

import pytest

from lab import i18n
from lab.i18n import N_, _, ngettext, pgettext

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)


def in_thread(fn):
    """fn() in a thread of its own, as Streamlit runs each script run: its language stays there."""
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


# -- the real catalogs -----------------------------------------------------------------

def test_the_catalogs_match_the_code():
    problems = script.check()
    assert problems == [], "\n".join(problems)


def test_every_po_file_declares_chinese_plural_forms():
    for path in script.po_files(ROOT / "locale"):
        po = script.read_catalog(path)
        assert po.plural_forms == "nplurals=1; plural=0;", path.name


def test_english_is_the_source_text_unchanged():
    assert i18n.current() == "en"
    for text in ("Home", "Epoch {epoch} of {total}", "not in any catalog", "**Open and train**"):
        assert _(text) is text
        assert pgettext("button", text) is text
    assert N_("Tensor basics") == "Tensor basics"
    assert ngettext("{n} epoch", "{n} epochs", 1) == "{n} epoch"
    assert ngettext("{n} epoch", "{n} epochs", 0) == "{n} epochs"
    assert ngettext("{n} epoch", "{n} epochs", 2) == "{n} epochs"


def test_chinese_looks_up_the_catalogs():
    def zh():
        i18n.use("zh")
        return _("Home"), _("Logistic regression"), _("no such message"), i18n.current()
    assert in_thread(zh) == ("首页", "逻辑斯蒂回归", "no such message", "zh")
    assert i18n.current() == "en"  # the thread's language stayed in the thread


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.use("fr")  # refused before anything is set
    assert i18n.current() == "en"


def test_two_threads_keep_their_own_language():
    """Two sessions' script runs at once: each sees its own language, every time."""
    barrier = threading.Barrier(2)
    seen = {}

    def session(lang):
        i18n.use(lang)
        barrier.wait()  # both languages are set before either reads
        seen[lang] = {_("Home") for _i in range(200)}

    threads = [threading.Thread(target=session, args=(lang,)) for lang in ("zh", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"zh": {"首页"}, "en": {"Home"}}


def test_plural_forms_and_contexts(tmp_path, monkeypatch):
    write(tmp_path / "locale/zh/LC_MESSAGES/a.po", PO_HEADER + textwrap.dedent('''
        msgid "{n} epoch"
        msgid_plural "{n} epochs"
        msgstr[0] "{n} 轮"

        msgctxt "button"
        msgid "Step"
        msgstr "单步"

        msgid "Step"
        msgstr "步骤"
        '''))
    compiled = i18n.compile_catalog("zh", tmp_path / "locale")
    monkeypatch.setitem(i18n._catalogs, "zh", compiled)

    def zh():
        i18n.use("zh")
        return ([ngettext("{n} epoch", "{n} epochs", n).format(n=n) for n in (1, 2, 5)],
                pgettext("button", "Step"), _("Step"), pgettext("noun", "Step"))
    assert in_thread(zh) == (["1 轮", "2 轮", "5 轮"], "单步", "步骤", "Step")


# -- the check, on a small project made for it -------------------------------------------

PO_HEADER = textwrap.dedent('''\
    msgid ""
    msgstr ""
    "Language: zh\\n"
    "Plural-Forms: nplurals=1; plural=0;\\n"
    "Content-Type: text/plain; charset=utf-8\\n"
    ''')
CODE = textwrap.dedent('''\
    from lab.i18n import N_, _, ngettext
    TITLE = N_("Loss curves")
    def page(n, epoch, total):
        print(_("Hello world"), _(TITLE))
        print(_("Epoch {epoch} of {total}").format(epoch=epoch, total=total))
        print(ngettext("{n} run", "{n} runs", n).format(n=n))
    ''')
GOOD = {
    "a.po": '''
        msgid "Hello world"
        msgstr "你好，世界"

        msgid "Loss curves"
        msgstr "损失曲线"
        ''',
    "b.po": '''
        msgid "Epoch {epoch} of {total}"
        msgstr "第 {epoch} 轮，共 {total} 轮"

        msgid "{n} run"
        msgid_plural "{n} runs"
        msgstr[0] "{n} 次训练"

        msgid "Hello world"
        msgstr "你好，世界"
        ''',
}


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def project(tmp_path, po_files, code=CODE):
    write(tmp_path / "babel.cfg", (ROOT / "babel.cfg").read_text(encoding="utf-8"))
    write(tmp_path / "app.py", code)
    for package in ("lab", "ui", "views"):
        write(tmp_path / package / "__init__.py", "")
    for name, text in po_files.items():
        write(tmp_path / "locale/zh/LC_MESSAGES" / name, PO_HEADER + textwrap.dedent(text))
    return tmp_path


def kinds(problems):
    return sorted({p.split(":")[0] for p in problems})


def test_the_check_passes_a_complete_catalog(tmp_path):
    assert script.check(project(tmp_path, GOOD)) == []


def test_the_check_finds_missing_stale_conflicting_and_placeholder_problems(tmp_path):
    broken = {
        "a.po": '''
            msgid "Hello world"
            msgstr "你好，世界"

            msgid "Gone from the code"
            msgstr "已删除"
            ''',
        "b.po": '''
            msgid "Epoch {epoch} of {total}"
            msgstr "第 {epoch} 轮，共 {count} 轮"

            msgid "Hello world"
            msgstr "世界你好"

            #, fuzzy
            msgid "Loss curves"
            msgstr "损失曲线"

            msgid "{n} run"
            msgid_plural "{n} runs"
            msgstr[0] ""
            ''',
    }
    problems = script.check(project(tmp_path, broken))
    text = "\n".join(problems)
    assert kinds(problems) == ["conflict", "missing", "placeholder", "stale"], text
    assert "'Gone from the code' is no longer in the code" in text
    assert "'Hello world' is translated differently" in text
    assert "'Loss curves' has no zh translation" in text  # fuzzy is not translated
    assert "'{n} run' has no zh translation" in text      # an empty plural form
    (placeholder,) = [p for p in problems if p.startswith("placeholder")]
    assert "['epoch', 'total']" in placeholder and "['count', 'epoch']" in placeholder


def test_the_check_finds_code_that_breaks_extraction(tmp_path):
    code = CODE + textwrap.dedent('''\
        def bad(name, rows):
            for _ in rows:
                pass
            return _(f"Hello {name}"), _("Epoch " + name), _("Epoch {} of {}")
        ''')
    problems = script.check(project(tmp_path, GOOD, code))
    text = "\n".join(problems)
    assert "f-string or a concatenation" in text
    assert "positional placeholder" in text
    assert "`_` is assigned" in text


def test_new_starts_an_area_with_what_no_po_has(tmp_path):
    root = project(tmp_path, {"a.po": GOOD["a.po"]})
    path, count = script.new("training", ["app.py"], root=root)
    assert (path.name, count) == ("training.po", 2)
    fresh = {m.id if isinstance(m.id, str) else m.id[0]: m.string
             for m in script.read_catalog(path) if m.id}
    assert fresh == {"Epoch {epoch} of {total}": "", "{n} run": ("",)}
    problems = script.check(root)
    assert kinds(problems) == ["missing"] and len(problems) == 2, problems
    assert script.new("training", ["app.py"], root=root)[1] == 0  # nothing new the second time
