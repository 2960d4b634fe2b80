"""Browser fixtures: the app on a live server, driven by Debian's Chromium through Playwright.

Without Playwright or /usr/bin/chromium the browser tests skip; under REQUIRE_BROWSER=1 (CI)
they fail instead. A failing test leaves a screenshot and the page's HTML in test-artifacts/.

Waiting, so that the tests pass on a busy machine too: state the page reaches after an action
is checked with Playwright's retrying `expect(locator)` assertions (to_have_text, to_have_count,
to_be_focused, to_have_value, ...), never with a plain assert on inner_text(), count() and the
like right after a click or key press. page.wait_for_function is never used: it polls a string
predicate with eval, which the pages' CSP refuses. State outside the page (the database, the
SMTP server) is waited for with `eventually()`; fixed sleeps synchronise nothing.
"""

import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Playwright's own browser builds cannot be downloaded here: always Debian's chromium, quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# How long an action or an expect() waits. Generous, because the machine running the tests
# may be busy with others (2 cores); waiting longer only costs time when a test fails anyway.
TIMEOUT_MS = int(os.environ.get("BROWSER_TIMEOUT_MS", "20000"))


def _unavailable(reason: str):
    """Skip, or fail when the run demands the browser tests (REQUIRE_BROWSER=1)."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}. Install Debian's "
            "chromium (apt-get install chromium) and the test extra (pip install -e '.[test]').",
            pytrace=False,
        )
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def live_server(app):
    """The test app (tests/conftest.py) served on 127.0.0.1 in a thread; yields the base URL.

    Every request in the server thread pushes its own app context and so gets its own
    SQLAlchemy session: the test sees the server's writes and the server sees the test's
    data once the test has committed it (the builders in tests/helpers.py do).
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits up to that long for the serving loop to notice.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None:
        _unavailable("Playwright for Python is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing")
    from playwright.sync_api import expect

    # expect() waits 5 s by default; the same time as every action instead.
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of the test's page (CSP refusals show here)."""
    return []


@pytest.fixture
def page(browser, console_errors, request):
    """A fresh browser context and page; on failure a screenshot and the HTML are kept."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message) -> None:
        if message.type == "error":
            console_errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _save_artifacts(page, request.node.name)
    context.close()


def _save_artifacts(page, test_name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", test_name).strip("_")
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # a closed or crashed page must not hide the test's own failure
        print(f"could not save browser artifacts for {test_name}: {error}")


def login(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Sign a user in through the real login form and wait for the dashboard."""
    page.goto(f"{base_url}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(password)
    from playwright.sync_api import expect

    with page.expect_navigation():
        page.locator("main button.primary").click()
    expect(page, f"login as {user.email} failed").to_have_url(f"{base_url}/")


def eventually(condition: Callable[[], object], what: str, page=None, timeout_ms=None) -> None:
    """Wait until `condition()` is true, e.g. a background save reached the database.

    For state outside the page only; the page's own state is checked with expect(). The
    condition must read afresh each time (session.expire_all() before a query). With a
    `page`, Playwright keeps handling its events while waiting. Fails after TIMEOUT_MS.
    """
    deadline = time.monotonic() + (timeout_ms or TIMEOUT_MS) / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout_ms or TIMEOUT_MS} ms waiting for {what}"
            )
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the current page; return its violations."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    if Axe is None:
        _unavailable("axe-playwright-python is not installed")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def format_violations(violations: list[dict]) -> str:
    """One readable block per violated rule: id, impact, help, and the offending elements."""
    lines = [f"{len(violations)} axe-core violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f" <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}")
            if node.get("failureSummary"):
                summary = " / ".join(node["failureSummary"].splitlines()[1:]).strip()
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def open_context(browser, console_errors, request):
    """More browser contexts (other people, a later visit); their console errors count too,
    and on failure their screenshots are kept like the `page` fixture's."""
    contexts = []

    def new(**options):
        context = browser.new_context(
            locale="de-DE", viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and console_errors.append(f"console: {m.text} ({m.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
        return page

    yield new
    report = getattr(request.node, "report_call", None)
    for number, context in enumerate(contexts, start=1):
        if report is not None and report.failed and context.pages:
            _save_artifacts(context.pages[0], f"{request.node.name}-context{number}")
        context.close()
