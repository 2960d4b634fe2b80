"""Package generation time for a small, a typical and a four times larger questionnaire.

Run: .venv/bin/python bench/package.py  (throwaway SQLite database and questionnaire folder;
about two minutes). Each size is an order documented through the real services
(tests/test_package.py): typical answers the v1 questionnaires with tests/samples.py; small
answers questionnaires of only the first half of v1's pages, large answers questionnaires four
times the size of v1 (every page and question four times); both are written as v2 and v3 into
a copy of questionnaires/, and answered with the typical answers cut or repeated to fit. A run
requests a new version and builds it (collect; diagram, questionnaires, protocol, typeset
in German and in English, the languages of the call's participants; store). Prints the median time, the pages and the time per page of each size, and the ratios
to typical. Goal: no worse than linear in pages, i.e. a time per page ratio of about 1 or
less. Cover, contents, diagram and protocol are there at every size; and once the contents
need a second page, xhtml2pdf typesets three times instead of twice.
"""

import copy
import json
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.platypus.doctemplate import BaseDocTemplate  # noqa: E402

import forms_schema  # noqa: E402
from portal import questionnaires  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.services import packages  # noqa: E402
from tests.conftest import make_world, running_app  # noqa: E402
from tests.test_package import (  # noqa: E402
    TEXTS,
    business_answers,
    documented_order,
    technical_answers,
)

REPEATS = 7
FACTOR = 4
TEXT = "Abstimmung mit der Konzern-IT; Details im Betriebshandbuch, Abschnitt 4.2."


def _suffixed(keys, suffix: str) -> list[str]:
    return [f"{key}{suffix}" for key in keys]


def multiplied(schema: dict, factor: int) -> dict:
    """The questionnaire with every page and top-level question `factor` times: copies get the
    suffix _2, _3, ... on keys and pages, and rules and conditions point at their own copy."""
    out = copy.deepcopy(schema)
    top = list(schema["properties"])
    out["properties"], out["required"], out["x-ui"]["pages"], out["allOf"] = {}, [], [], []
    out["dependentRequired"] = {}
    for number in range(1, factor + 1):
        suffix = "" if number == 1 else f"_{number}"
        for page in schema["x-ui"]["pages"]:
            title = {lang: f"{text} ({number})" for lang, text in page["title"].items()}
            out["x-ui"]["pages"].append({"key": page["key"] + suffix, "title": title})
        for key, prop in schema["properties"].items():
            text = json.dumps(prop)
            for name in top:  # scopes of top-level rules name top-level keys only
                text = re.sub(
                    rf'"#/properties/{name}(["/])', rf'"#/properties/{name}{suffix}\1', text
                )
            prop = json.loads(text)
            if "x-ui" in prop and "page" in prop["x-ui"]:
                prop["x-ui"]["page"] += suffix
            out["properties"][key + suffix] = prop
        out["required"] += _suffixed(schema.get("required", []), suffix)
        for key, needed in schema.get("dependentRequired", {}).items():
            out["dependentRequired"][key + suffix] = _suffixed(needed, suffix)
        for clause in schema.get("allOf", []):
            clause = copy.deepcopy(clause)
            for part in (clause.get("if", {}), clause.get("then", {})):
                if "properties" in part:
                    part["properties"] = {k + suffix: v for k, v in part["properties"].items()}
                if "required" in part:
                    part["required"] = _suffixed(part["required"], suffix)
            out["allOf"].append(clause)
    return out


def halved(schema: dict) -> dict:
    """The questionnaire cut to the first half of its pages, with the rules that still apply."""
    out = copy.deepcopy(schema)
    pages = schema["x-ui"]["pages"][: (len(schema["x-ui"]["pages"]) + 1) // 2]
    kept_pages = {page["key"] for page in pages}
    definition = forms_schema.load(schema)
    kept = {key for key in schema["properties"] if definition.node(f"/{key}").page in kept_pages}
    out["x-ui"]["pages"] = pages
    out["properties"] = {k: v for k, v in schema["properties"].items() if k in kept}
    out["required"] = [k for k in schema.get("required", []) if k in kept]
    out["dependentRequired"] = {
        k: v for k, v in schema.get("dependentRequired", {}).items() if k in kept
    }
    out["allOf"] = [
        clause
        for clause in schema.get("allOf", [])
        if all(
            set(part.get("properties", {})) | set(part.get("required", [])) <= kept
            for part in (clause.get("if", {}), clause.get("then", {}))
        )
    ]
    return out


def times(answers: dict, factor: int) -> dict:
    """Answers to a multiplied questionnaire: the same answers for every copy (files once)."""
    out = copy.deepcopy(answers)
    for number in range(2, factor + 1):
        out |= {f"{key}_{number}": copy.deepcopy(value) for key, value in answers.items()}
    return out


def add_version(root: Path, number: int, change) -> dict[str, set[str]]:
    """Write v<number> = change(v1) of each kind under `root`; new responses start on it.

    Returns the top-level keys of each new version, to fit the answers to it.
    """
    if not root.exists():
        shutil.copytree(questionnaires.ROOT, root)
        questionnaires.ROOT = root
    keys = {}
    for kind in questionnaires.KINDS:
        schema = change(json.loads((root / kind / "v1.json").read_text(encoding="utf-8")))
        (root / kind / f"v{number}.json").write_text(json.dumps(schema), "utf-8")
        keys[kind] = set(schema["properties"])
    questionnaires.clear_cache()
    return keys


def typical() -> tuple[dict, dict]:
    technical = technical_answers(TEXTS)
    technical["security"]["security_notes"] = TEXT
    business = business_answers(TEXTS)
    business["remarks"] = "\n".join([TEXT] * 6)
    return technical, business


def counting_passes() -> list[int]:
    """Count reportlab's typesetting passes (a table of contents needs two or more)."""
    passes: list[int] = []
    build = BaseDocTemplate.build

    def counted(self, *args, **kwargs):
        passes.append(1)
        return build(self, *args, **kwargs)

    BaseDocTemplate.build = counted
    return passes


def build_once(session, world, order) -> tuple[float, int]:
    package = packages.request(session, world.partner, order.id)
    start = time.perf_counter()
    built = packages.build(session, package.id)
    elapsed = time.perf_counter() - start
    assert built.status == "ready", built.error
    return elapsed, built.pages


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp)) as _app:
        session = db.session
        world = make_world(session)
        technical, business = typical()
        orders = {
            "typical": documented_order(
                session, world, code="TYPIC", technical=technical, business=business
            )
        }
        root = Path(tmp) / "questionnaires"
        keys = add_version(root, 2, halved)
        orders["small"] = documented_order(
            session,
            world,
            code="SMALL",
            technical={k: v for k, v in technical.items() if k in keys["technical"]},
            business={k: v for k, v in business.items() if k in keys["business"]},
        )
        add_version(root, 3, lambda schema: multiplied(schema, FACTOR))
        orders["large"] = documented_order(
            session,
            world,
            code="LARGE",
            technical=times(technical, FACTOR),
            business=times(business, FACTOR),
        )
        orders = {name: orders[name] for name in ("small", "typical", "large")}
        passes, typeset = counting_passes(), {}
        for name, order in orders.items():
            passes.clear()
            build_once(session, world, order)  # also warms up fonts, templates, caches
            typeset[name] = len(passes)
        timings: dict[str, list[float]] = {name: [] for name in orders}
        pages: dict[str, int] = {}
        # Interleaved, so that load from other processes hits every size alike.
        for _ in range(REPEATS):
            for name, order in orders.items():
                elapsed, pages[name] = build_once(session, world, order)
                timings[name].append(elapsed)
        medians = {name: statistics.median(values) for name, values in timings.items()}
        per_page = {name: medians[name] / pages[name] for name in orders}
        for name in orders:
            print(
                f"package [{name}]: {medians[name] * 1000:.0f} ms, {pages[name]} pages, "
                f"{per_page[name] * 1000:.0f} ms per page, typeset in {typeset[name]} passes"
            )
        base = "typical"
        for name in ("small", "large"):
            print(
                f"{name} / {base}: time {medians[name] / medians[base]:.2f}x, "
                f"pages {pages[name] / pages[base]:.2f}x, "
                f"time per page {per_page[name] / per_page[base]:.2f}x "
                f"(goal: time per page <= ~1.0x, no worse than linear; medians of {REPEATS} "
                "interleaved runs)"
            )
        # The extra pass a longer table of contents costs is a step, not a growth: per page
        # and pass the cost stays flat, so beyond the step the time grows linearly again.
        per_pass = {name: per_page[name] / typeset[name] for name in orders}
        for name in ("small", "large"):
            print(
                f"{name} / {base}: time per page and typesetting pass "
                f"{per_pass[name] / per_pass[base]:.2f}x ({typeset[name]} vs {typeset[base]} passes)"
            )


if __name__ == "__main__":
    main()
