"""Co-editing under load: many people on one questionnaire, each in their own Chromium context.

Run: .venv/bin/python bench/coediting.py [--people 17] [--rows 50] [--rounds 5]
(throwaway SQLite database unless DATABASE_URL names an empty PostgreSQL database; about two
minutes). Every person has their own browser context (own cookie, own page, never reloaded)
and the real page script saves for them:

1. one person types into one question, alone: the baseline save time;
2. `people` people type into their own question each (the questions a cloud customer sees
   from the start, on four pages), `rounds` times, all at once;
3. pairs of them answer the same question from the same page state: true conflicts;
4. `rows` people each edit their own row of one repeating group, all at once.

Counted: lost answers (the stored answer is not what its person typed last), false conflicts
(a conflict panel on a page whose person shared no question), and true conflicts shown.
Prints the save time (the /changes requests as the browser timed them) with one person and
with everyone, and their ratio. Exits 1 unless nothing was lost, no conflict was false and
every true conflict was shown.
"""

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from portal.extensions import db  # noqa: E402
from portal.models import Response  # noqa: E402
from portal.services import drafts, responses  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.conftest import make_world, running_app  # noqa: E402
from tests.helpers import accept, place  # noqa: E402

# Seventeen questions a cloud customer sees from the start: (page, field id, value pattern).
QUESTIONS = [
    ("environment", "cloud_bandwidth_mbit", "{}00"),
    ("environment", "cloud_access_path-{}", None),
    ("environment", "cloud_fixed_ips-{}", None),
    ("environment", "test_system-{}", None),
    ("workstations", "client_installation-{}", None),
    ("workstations", "named_users", "4{}"),
    ("workstations", "concurrent_users", "1{}"),
    ("workstations", "mfa_required-{}", None),
    ("workstations", "service_account_policy", "Richtlinie {}"),
    ("network", "remote_access_allowed-{}", None),
    ("network", "maintenance_windows", "Samstag {} Uhr"),
    ("network", "firewall_lead_time_days", "{}"),
    ("network", "proxy_host", "proxy{}.example.com"),
    ("network", "proxy_port", "808{}"),
    ("operations", "rpo_hours", "{}"),
    ("operations", "rto_hours", "1{}"),
    ("workstations", "directory_service-{}", None),
]
SAVED_TIMEOUT_MS = 60_000


def serve(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}"


class Person:
    """One customer contact in their own browser context."""

    def __init__(self, browser, base, token, name):
        self.context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(SAVED_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.base = base
        self.page.goto(f"{base}/r/{token}")
        self.page.locator("#name").fill(name)
        with self.page.expect_navigation():
            self.page.locator("main form button").first.click()
        self.conflicts_seen = 0

    def open(self, kind, page_key):
        self.page.goto(f"{self.base}/customer/{kind}/pages/{page_key}")

    def answer(self, field, pattern, round_):
        """Type (or pick) this round's answer and leave the field; returns the form value."""
        if pattern is None:  # a choice: alternate between the first two options
            choice = self.page.locator(f"#{field.format(round_ % 2)}")
            choice.check()
            return choice.get_attribute("value")
        value = pattern.format(round_)
        self.page.locator(f"#{field}").fill(value)
        self.page.locator(f"#{field}").press("Tab")
        return value

    def conflict_shown(self) -> bool:
        return self.page.locator("section.conflicts").count() > 0

    def save_times(self) -> list[float]:
        return self.page.evaluate(
            """() => performance.getEntriesByType('resource')
                .filter(e => e.name.endsWith('/changes')).map(e => e.duration)"""
        )


def stored(kind="technical") -> dict:
    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.questionnaire == kind))
    return response.data if response else {}


def wait_for(condition, what, show=None):
    deadline = time.monotonic() + SAVED_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}" + (f": {show()}" if show else ""))


def value_of(questionnaire, data, field):
    key = field.split("-")[0]
    return questionnaire.form_values(f"/{key}", data[key]) if key in data else []


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=17)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    people_count = min(args.people, len(QUESTIONS))
    failures = []
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp)) as app:
        world = make_world(db.session)
        order_ = accept(db.session, world, place(db.session, world, deployment="cp_cloud"))
        tokens = order_.tokens
        questionnaire = responses.questionnaire_of(db.session, order_.order, "technical", None)
        server, base = serve(app)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            # 1. Alone.
            solo = Person(browser, base, tokens["technical"], "Solo")
            solo.open("technical", "network")
            for round_ in range(1, args.rounds + 1):
                solo.answer("firewall_lead_time_days", "{}", round_)
                wait_for(lambda r=round_: stored().get("firewall_lead_time_days") == r, "solo save")
            solo_times = solo.save_times()
            solo.context.close()

            # 2. Everyone on their own question, all at once.
            crowd = [
                Person(browser, base, tokens["technical"], f"Person {i + 1}")
                for i in range(people_count)
            ]
            for person, (page_key, _field, _pattern) in zip(crowd, QUESTIONS, strict=False):
                person.open("technical", page_key)
            typed = {}
            for round_ in range(1, args.rounds + 1):
                for person, (_page, field, pattern) in zip(crowd, QUESTIONS, strict=False):
                    typed[field] = person.answer(field, pattern, round_)
                wait_for(
                    lambda: all(
                        value_of(questionnaire, stored(), f) == [v] for f, v in typed.items()
                    ),
                    f"round {round_} stored",
                    lambda: {
                        f: (v, value_of(questionnaire, stored(), f))
                        for f, v in typed.items()
                        if value_of(questionnaire, stored(), f) != [v]
                    },
                )
                false = [p for p in crowd if p.conflict_shown()]
                failures += [f"false conflict on the page of {len(false)} people"] if false else []
            data = stored()
            lost = [f for f, v in typed.items() if value_of(questionnaire, data, f) != [v]]
            crowd_times = [t for person in crowd for t in person.save_times()]
            saves = len(crowd_times)
            print(
                f"{people_count} people on their own questions, {args.rounds} rounds: "
                f"{saves} saves, lost answers {len(lost)}, "
                f"false conflicts {sum('false' in f for f in failures)}"
            )
            failures += [f"lost answers: {lost}"] if lost else []

            # 3. True conflicts: pairs on one question, the second from the page as it was.
            # Disjoint pairs: each person is in one pair only, so nobody saw the answer before.
            texts = [q for q in QUESTIONS[:people_count] if q[2] and "{}" in q[2]]
            pairs = [
                (crowd[2 * k], crowd[2 * k + 1], question)
                for k, question in enumerate(texts[: people_count // 2])
            ]
            for first, second, (page_key, _field, _pattern) in pairs:
                first.open("technical", page_key)
                second.open("technical", page_key)
            for first, _second, (_page, field, pattern) in pairs:
                first.page.locator(f"#{field}").fill(pattern.format(6))
                first.page.locator(f"#{field}").press("Tab")
            wait_for(
                lambda: all(
                    value_of(questionnaire, stored(), f) == [p.format(6)]
                    for _a, _b, (_pg, f, p) in pairs
                ),
                "the first answers of each pair",
            )
            for _first, second, (_page, field, pattern) in pairs:
                second.page.locator(f"#{field}").fill(pattern.format(7))
                second.page.locator(f"#{field}").press("Tab")
            shown = 0
            for _first, second, _question in pairs:
                try:
                    second.page.locator("section.conflicts").wait_for(timeout=SAVED_TIMEOUT_MS)
                    shown += 1
                except Exception as error:  # noqa: BLE001 - counted and reported
                    print(f"  no conflict shown: {error}".splitlines()[0])
            firsts_lost = [
                f
                for _a, _b, (_pg, f, p) in pairs
                if value_of(questionnaire, stored(), f) != [p.format(6)]
            ]
            print(
                f"true conflicts made {len(pairs)}, shown {shown}; overwritten {len(firsts_lost)}"
            )
            if shown != len(pairs) or firsts_lost:
                failures.append(f"true conflicts: {len(pairs)} made, {shown} shown")
            for person in crowd:
                person.context.close()

            # 4. Everyone on their own row of one repeating group.
            rows = [{"name": f"Gesellschaft {i}", "country": "DE", "local_currency": "EUR"}
                    for i in range(args.rows)]  # fmt: skip
            drafts.save(
                db.session, order_.order, "business", base_version=0,
                changes={"legal_entities": rows}, author="Vorbereitung",
            )  # fmt: skip
            editors = [
                Person(browser, base, tokens["business"], f"Zeile {i}") for i in range(args.rows)
            ]
            for editor in editors:
                editor.open("business", "company")
            for i, editor in enumerate(editors):
                editor.page.locator(f"#legal_entities-{i}-name").fill(f"Gesellschaft {i} AG")
                editor.page.locator(f"#legal_entities-{i}-name").press("Tab")
            expected = [f"Gesellschaft {i} AG" for i in range(args.rows)]
            try:
                wait_for(
                    lambda: (
                        [r.get("name") for r in stored("business").get("legal_entities", [])]
                        == expected
                    ),
                    "every row's edit",
                )
            except SystemExit as error:
                print(error)
            names = [r.get("name") for r in stored("business").get("legal_entities", [])]
            row_lost = sum(1 for a, b in zip(names, expected, strict=False) if a != b)
            row_lost += abs(len(names) - len(expected))
            row_false = sum(editor.conflict_shown() for editor in editors)
            print(
                f"{args.rows} people on their own rows: lost answers {row_lost}, "
                f"false conflicts {row_false}"
            )
            if row_lost or row_false:
                failures.append(f"rows: lost {row_lost}, false conflicts {row_false}")
            row_times = [t for editor in editors for t in editor.save_times()]
            browser.close()
        server.shutdown()

    for label, times in (
        ("1 person", solo_times),
        (f"{people_count} people", crowd_times),
        (f"{args.rows} people on rows", row_times),
    ):
        print(
            f"save time {label}: p50 {statistics.median(times):.0f} ms, "
            f"p95 {percentile(times, 0.95):.0f} ms ({len(times)} saves)"
        )
    print(
        f"ratio p50 {people_count} people / 1 person: "
        f"{statistics.median(crowd_times) / statistics.median(solo_times):.2f}x; "
        f"{args.rows} on rows / 1 person: "
        f"{statistics.median(row_times) / statistics.median(solo_times):.2f}x"
    )
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("ok: nothing lost, no false conflict, every true conflict shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
