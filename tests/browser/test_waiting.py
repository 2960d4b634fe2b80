"""The browser tests wait in the ways that hold on a busy machine (see tests/browser/conftest.py).

A guard over the sources in tests/browser: no page.wait_for_function (Playwright polls its string
predicate with eval, which the pages' CSP refuses as soon as the first check is false), no fixed
sleeps or page.wait_for_timeout, no waiting for network idle. State outside the page is polled
with conftest.eventually(), the one place allowed to pause. Needs no browser.
"""

import ast
from pathlib import Path

HERE = Path(__file__).parent
FORBIDDEN_CALLS = {"wait_for_function", "wait_for_timeout", "sleep"}
# (file, function) where a pause is the point: the bounded poll itself.
ALLOWED = {("conftest.py", "eventually")}


def traps(source: str, filename: str) -> list[str]:
    """Each forbidden wait in a module's source, as 'file:line: what'."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (filename, function) not in ALLOWED:
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in FORBIDDEN_CALLS:
                    found.append(f"{filename}:{node.lineno}: {name}()")
            elif isinstance(node, ast.Constant) and node.value == "networkidle":
                found.append(f"{filename}:{node.lineno}: networkidle")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source, filename=filename), "")
    return found


def test_no_browser_test_waits_by_the_clock_or_by_eval():
    found = []
    for path in sorted(HERE.glob("*.py")):
        if path.name != Path(__file__).name:
            found += traps(path.read_text(encoding="utf-8"), path.name)
    assert found == [], "use expect(...) for the page and eventually() for the rest:\n" + "\n".join(
        found
    )


def test_the_guard_sees_the_traps():
    # The forbidden call is spelled out only when the sample is built, so that no scan of this
    # folder mistakes the guard's own sample for a test that waits by eval.
    source = """
import time
def test_x(page, session):
    page.WAIT(PREDICATE)
    time.sleep(1)
    page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
def eventually():
    time.sleep(0.05)
""".replace("WAIT", "wait_for_" + "function").replace("PREDICATE", "predicate")
    assert traps(source, "test_x.py") == [
        "test_x.py:4: wait_for_function()",
        "test_x.py:5: sleep()",
        "test_x.py:6: wait_for_timeout()",
        "test_x.py:7: networkidle",
        "test_x.py:9: sleep()",  # allowed only in conftest.py's eventually()
    ]
    assert traps(source, "conftest.py")[-1] == "conftest.py:7: networkidle"
