"""The questionnaire definitions in questionnaires/<kind>/v<N>.json, loaded once per process."""

import json
import re
from functools import cache
from pathlib import Path

import forms_schema

ROOT = Path(__file__).resolve().parent.parent / "questionnaires"
KINDS = ("technical", "business")
_VERSION_FILE = re.compile(r"^v(\d+)\.json$")


def versions(kind: str) -> list[int]:
    """The versions of a questionnaire kind present on disk, ascending."""
    found = (_VERSION_FILE.match(p.name) for p in (ROOT / kind).glob("v*.json"))
    return sorted(int(m.group(1)) for m in found if m)


def latest(kind: str) -> int:
    """The version new responses are started with."""
    return versions(kind)[-1]


@cache
def get(kind: str, version: int) -> forms_schema.Questionnaire:
    """The loaded questionnaire; the files are immutable once published, so caching is safe."""
    if kind not in KINDS:
        raise KeyError(kind)
    path = ROOT / kind / f"v{version}.json"
    return forms_schema.load(json.loads(path.read_text(encoding="utf-8")))


def context_of(order) -> dict:
    """The order facts questionnaire rules may look at (scope '#/context/<fact>')."""
    return {"deployment": order.deployment, "license_model": order.license_model}
