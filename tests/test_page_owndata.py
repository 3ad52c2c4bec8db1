"""Your own CSV on the Logistic regression page: it trains, and each bad file gets its message."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lab.data import csvtable
from tests.pages import errors

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_with_csv(content, name="mine.csv"):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params["dataset"] = "csv"
    at.switch_page("views/logistic.py").run()
    at.file_uploader(key="logistic.upload").upload(name, content, "text/csv").run()
    return at


def good_csv():
    rows = ["height,weight,passed"]
    for i in range(40):
        rows.append(f"{150 + i},{50 + (i * 7) % 30},{'yes' if i >= 20 else 'no'}")
    return "\n".join(rows).encode()


def test_an_uploaded_csv_trains_and_keeps_its_class_names():
    at = open_with_csv(good_csv())
    assert not at.exception and not at.error
    at.toggle(key="logistic.standardize").set_value(True).run()  # heights of 150-190 cm
    at.number_input(key="logistic.num_epochs").set_value(3).run()
    at.button(key="logistic.train").click().run()
    run = at.session_state["logistic.panel"].run
    assert run.epoch == 3 and run.data.class_names == ["no", "yes"]
    assert run.config.dataset == "csv:mine.csv" and run.data.feature_names == ["height", "weight"]


def test_an_unscaled_csv_that_saturates_the_sigmoid_stops_and_says_why():
    """Heights of 150-190 cm at lr 0.01: every ŷ is exactly 0 or 1 after one update, the
    wrong half pinned at BCE's clamp with no gradient. It used to sit flat, silently."""
    at = open_with_csv(good_csv())
    at.number_input(key="logistic.num_epochs").set_value(50).run()
    at.button(key="logistic.train").click().run()
    run = at.session_state["logistic.panel"].run
    assert run.diverged and run.diverged.reason == "pinned" and run.epoch < 50
    assert not at.exception
    message = errors(at)
    assert "clamp" in message and "standardize the features" in message
    assert "stopped: diverged" in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"a,b,label\n1,2,x\n", "rows"),
    (b"a,b,label\n" + b"\n".join(b"1,oops,x" if i == 3 else b"1,2,%d" % (i % 2) for i in range(30)),
     "oops"),
    (b"a,b,label\n" + b"\n".join(b"1,2,same" for _ in range(30)), "class"),
    ("a,b,label\n1,2,é\n".encode("latin-1") * 1, "UTF-8"),
    (b"1,2,0\n3,4,1\n" * 10, "no header"),
    (b"a,b,label\n" + b"\n".join(b"1,,x" if i == 5 else b"1,2,%d" % (i % 2) for i in range(30)),
     "row 7"),                                                    # a missing value, counted from the header
    (b",".join(b"c%d" % i for i in range(150)) + b"\n" + b",".join(b"1" for _ in range(150)),
     "150 columns"),
    (b"a,b,label\n" + b"1,2,0\n" * (2 * 1024 * 1024), "MB"),    # 12 MB: over the upload limit
])
def test_a_bad_csv_gets_a_specific_message_and_the_page_stays_usable(content, message):
    at = open_with_csv(content)
    assert not at.exception
    assert message.lower() in errors(at).lower()
    at.selectbox(key="logistic.dataset").set_value("iris").run()  # carry on with other data
    assert not at.exception and at.session_state["logistic.panel"].run.data.name == "iris"


def test_many_classes_are_refused_by_the_logistic_page():
    rows = ["a,b,label"] + [f"{i},{i % 5},{i % 3}" for i in range(30)]
    at = open_with_csv("\n".join(rows).encode())
    assert any("3 classes" in e.value for e in at.error)


def test_a_file_is_read_once_however_often_the_page_reruns(monkeypatch):
    """Issue 13: a file (good or refused) is read when it arrives, not on every click: the
    session keeps its dataset, or its refusal, by the file's content."""
    reads = []
    real = csvtable.records
    monkeypatch.setattr(csvtable, "records", lambda text: reads.append(1) or real(text))
    bad = b"a,b,label\n" + b"\n".join(b"1,oops,x" if i == 3 else b"1,2,%d" % (i % 2)
                                      for i in range(30))
    for content in (good_csv(), bad):
        at = open_with_csv(content)
        passes = len(reads)
        assert passes and bool(at.error) == (content is bad)
        at.run()
        at.number_input(key="logistic.num_epochs").set_value(2).run()
        assert len(reads) == passes and bool(at.error) == (content is bad)
        reads.clear()
