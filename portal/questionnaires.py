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


def labels(questionnaire, locale: str) -> dict[str, str]:
    """Readable names of every question template: 'IT-Ansprechpartner › E-Mail'."""
    names: dict[str, str] = {}

    def walk(nodes, prefix: str) -> None:
        for node in nodes:
            name = f"{prefix} › {node.label(locale)}" if prefix else node.label(locale)
            names[node.pointer_template] = name
            walk(node.children, name)

    walk(questionnaire.nodes(), "")
    return names


def label_of(pointer: str, names: dict[str, str]) -> str:
    """The readable name of a concrete pointer, with row numbers counted from 1."""
    tokens = pointer.strip("/").split("/")
    template = "/" + "/".join("*" if t.isdigit() else t for t in tokens)
    rows = [str(int(t) + 1) for t in tokens if t.isdigit()]
    name = names.get(template, pointer)
    return f"{name} ({', '.join(rows)})" if rows else name


def page_of(pointer: str, questionnaire) -> str:
    """The page key a pointer's question is on."""
    top = questionnaire.node("/" + pointer.strip("/").split("/")[0])
    return top.page if top else questionnaire.pages[0].key
