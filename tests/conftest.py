"""Options for the stateful test: --soak for a long local run; its count in the summary."""
import sys


def pytest_addoption(parser):
    parser.addoption("--soak", action="store_true", default=False,
                     help="stateful test: a random seed and a long budget (also LAB_SOAK=1)")


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get("tests.test_stateful")
    if module is not None and module.REPORT["steps"]:
        report = module.REPORT
        terminalreporter.write_line(
            f"stateful: {len(report['sequences'])} distinct action sequences, "
            f"{report['steps']} actions, {len(report['reveals'])} lesson steps revealed")
