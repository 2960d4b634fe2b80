"""The documentation package against the typesetter, at the typical and at 16x the answers.

Run: .venv/bin/python bench/package.py [--quick]  (throwaway SQLite database; about a minute,
--quick about a quarter of that). Two orders are documented through the real services
(tests/test_package.py) on the same questionnaire versions: "1x" answers them with the typical
answers (tests/samples.py), "16x" with 16 times the rows in every table (as far as the schema
allows) and 16 times the text in every free-text answer (up to its maximum length). Every
recipient reads German, so a build typesets one language: what the user waits for.

Each round, for each order, interleaved: the whole build of a new version (request excluded;
collect, content, HTML, typesetting, metadata, store) and bare `xhtml2pdf.pisa.CreatePDF` on
the very HTML that build handed to the typesetter (captured). Both are timed by this
process's CPU time (what the work costs, whatever else the shared machine runs; the build is
single-threaded and SQLite runs in-process) and by the wall clock (what the user waits for,
noisy here). Printed per clock, as medians of the per-round ratios with their p10-p90 spread
(ratios, not times):

- package / bare xhtml2pdf, at 1x and at 16x (goal <= 1.2x);
- package time per page, 16x / 1x (goal <= 1.1x: linear in pages);
- bare xhtml2pdf time per page, 16x / 1x, for comparison (what the typesetter itself does:
  pages of table rows cost it more than pages of prose), and the package's per-page growth
  divided by it (what the package adds to the typesetter's growth; goal <= 1.1x);
- the typesetting passes (reportlab builds) per language of each build.
"""

import argparse
import copy
import gc
import io
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.platypus.doctemplate import BaseDocTemplate  # noqa: E402
from sqlalchemy import update  # noqa: E402
from xhtml2pdf import pisa  # noqa: E402

from portal import pdf, questionnaires  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import CustomerContact, User  # noqa: E402
from portal.services import packages  # noqa: E402
from tests.conftest import make_world, running_app  # noqa: E402
from tests.test_package import (  # noqa: E402
    TEXTS,
    business_answers,
    documented_order,
    technical_answers,
)

FACTOR = 16
CLOCKS = ("cpu", "wall")
TEXT = "Abstimmung mit der Konzern-IT; Details im Betriebshandbuch, Abschnitt 4.2."
# Free text grows only where the schema takes long prose (notes, remarks), not in names,
# codes, addresses or choices, so that the answers stay valid.
PROSE_MIN_LENGTH = 500


def _prose(prop: dict) -> bool:
    return (
        prop.get("type") == "string"
        and prop.get("maxLength", 0) >= PROSE_MIN_LENGTH
        and not ({"enum", "format", "pattern", "const"} & set(prop))
    )


def _grown_rows(rows: list, prop: dict, factor: int) -> list:
    """factor times the rows, as far as maxItems allows; copies of rows after the first (a
    group's parent entity, say, stays one), each copy's texts numbered so they are new rows."""
    limit = prop.get("maxItems", len(rows) * factor)
    if prop.get("uniqueItems") or not rows or not isinstance(rows[0], dict):
        return rows
    pattern = rows[1:] or rows
    out = list(rows)
    number = 2
    while len(out) < min(len(rows) * factor, limit):
        row = copy.deepcopy(pattern[(len(out) - len(rows)) % len(pattern)])
        for key, value in row.items():
            child = prop["items"].get("properties", {}).get(key, {})
            if key == "email" and isinstance(value, str):
                row[key] = f"{number}.{value}"
            elif (
                isinstance(value, str)
                and child.get("type") == "string"
                and not ({"enum", "format", "pattern", "const"} & set(child))
            ):
                row[key] = f"{value} {number}"[: child.get("maxLength", 10**6)]
        out.append(row)
        number += 1
    return out


def grown(answers, prop: dict, factor: int):
    """The answers with factor times the rows and the prose (same schema, still valid)."""
    if isinstance(answers, dict):
        props = prop.get("properties", {})
        return {k: grown(v, props.get(k, {}), factor) for k, v in answers.items()}
    if isinstance(answers, list):
        rows = _grown_rows(answers, prop, factor)
        return [grown(row, prop.get("items", {}), factor) for row in rows]
    if isinstance(answers, str) and _prose(prop):
        lines = answers.split("\n")
        more = "\n".join(lines * factor)
        return more[: prop["maxLength"]].rstrip()
    return answers


def answers(factor: int) -> tuple[dict, dict]:
    technical = technical_answers(TEXTS)
    technical["security"]["security_notes"] = "\n".join([TEXT] * 3)
    business = business_answers(TEXTS)
    business["remarks"] = "\n".join([TEXT] * 6)
    if factor == 1:
        return technical, business
    schemas = {
        kind: json.loads(questionnaires.files(kind)[-1][1].read_text(encoding="utf-8"))
        for kind in ("technical", "business")
    }
    return (
        grown(technical, schemas["technical"], factor),
        grown(business, schemas["business"], factor),
    )


def counting_passes() -> list[int]:
    """Count reportlab's typesetting passes: every build of a document, also inside multiBuild."""
    passes: list[int] = []
    build = BaseDocTemplate.build

    def counted(self, *args, **kwargs):
        passes.append(1)
        return build(self, *args, **kwargs)

    BaseDocTemplate.build = counted
    return passes


def capturing_html() -> list[str]:
    """Record the HTML every package build hands to the typesetter."""
    seen: list[str] = []
    render = pdf.render

    def captured(html: str) -> bytes:
        seen.append(html)
        return render(html)

    pdf.render = captured
    return seen


def build_once(session, world, order) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, pages) of building a new version."""
    package = packages.request(session, world.partner, order.id)
    gc.collect()  # each side pays for its own garbage, not for the other's
    wall, cpu = time.perf_counter(), time.process_time()
    built = packages.build(session, package.id)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert built.status == "ready", built.error
    return wall, cpu, built.pages


def bare(html: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of bare xhtml2pdf on the HTML, with the options every
    document is typeset with (the fonts it may read), so that it makes the same PDF."""
    options = pdf.typesetter_options()
    out = io.BytesIO()
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = pisa.CreatePDF(html, dest=out, **options)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not result.err
    return wall, cpu


def spread(values: list[float]) -> str:
    values = sorted(values)
    if len(values) < 3:
        return f"{values[0]:.2f}-{values[-1]:.2f}x"
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return f"p10-p90 {deciles[0]:.2f}-{deciles[-1]:.2f}x"


def row(label: str, ratios: list[float], goal: float | None) -> str:
    median = statistics.median(ratios)
    verdict = (
        "" if goal is None else (f"goal <= {goal}x: " + ("ok" if median <= goal else "MISSED"))
    )
    return f"{label}: {median:.2f}x ({spread(ratios)}, {len(ratios)} rounds) {verdict}".rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 9)
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp)) as _app:
        session = db.session
        world = make_world(session)
        orders = {}
        for name, factor in (("1x", 1), (f"{FACTOR}x", FACTOR)):
            technical, business = answers(factor)
            orders[name] = documented_order(
                session, world, code=f"B{factor}X", technical=technical, business=business
            )
        # One language per build: every recipient reads German.
        session.execute(update(CustomerContact).values(language="de"))
        session.execute(update(User).values(language="de"))
        session.commit()

        passes, html = counting_passes(), capturing_html()
        captured, typeset, pages = {}, {}, {}
        for name, order in orders.items():
            passes.clear(), html.clear()
            *_times, pages[name] = build_once(session, world, order)  # warms caches up
            assert len(html) == 1, f"{len(html)} languages typeset; the bench wants one"
            captured[name], typeset[name] = html[0], len(passes)
        bare_pages = {}
        for name in orders:
            passes.clear()
            out = io.BytesIO()
            pisa.CreatePDF(captured[name], dest=out, **pdf.typesetter_options())
            bare_pages[name] = len(passes)

        # Per order and clock ("cpu": this process's CPU time, what the build costs whatever
        # else runs on the machine; "wall": what the user waits for, noisy on a busy machine).
        package_s = {(name, clock): [] for name in orders for clock in CLOCKS}
        bare_s = {(name, clock): [] for name in orders for clock in CLOCKS}
        for _ in range(rounds):  # interleaved: load from other processes hits both alike
            for name, order in orders.items():
                wall, cpu, _pages = build_once(session, world, order)
                package_s[name, "wall"].append(wall), package_s[name, "cpu"].append(cpu)
                wall, cpu = bare(captured[name])
                bare_s[name, "wall"].append(wall), bare_s[name, "cpu"].append(cpu)

        big = f"{FACTOR}x"
        for name in orders:
            print(
                f"[{name}] {pages[name]} pages, {len(captured[name]) // 1024} KiB HTML, "
                f"typesetting passes: package {typeset[name]}, bare {bare_pages[name]}; "
                f"median CPU package {statistics.median(package_s[name, 'cpu']) * 1000:.0f} ms, "
                f"bare xhtml2pdf {statistics.median(bare_s[name, 'cpu']) * 1000:.0f} ms"
            )
        scale = pages["1x"] / pages[big]
        for clock in CLOCKS:
            for name in orders:
                ratios = [
                    p / b for p, b in zip(package_s[name, clock], bare_s[name, clock], strict=True)
                ]
                print(row(f"{clock}: package / bare xhtml2pdf, same HTML [{name}]", ratios, 1.2))
            per_page = [
                b / s * scale
                for b, s in zip(package_s[big, clock], package_s["1x", clock], strict=True)
            ]
            print(row(f"{clock}: package time per page, {big} / 1x answers", per_page, 1.1))
            bare_page = [
                b / s * scale for b, s in zip(bare_s[big, clock], bare_s["1x", clock], strict=True)
            ]
            print(row(f"{clock}: bare xhtml2pdf time per page, {big} / 1x", bare_page, None))
            print(
                row(
                    f"{clock}: package per-page growth / bare xhtml2pdf's on the same HTML",
                    [p / b for p, b in zip(per_page, bare_page, strict=True)],
                    1.1,
                )
            )


if __name__ == "__main__":
    main()
