"""The questionnaire versions as the portal reads them: stored in the database, loaded once each.

The files in questionnaires/<kind>/v<N>.json seed the first versions on a fresh install; from
there on versions are drafted, published and retired in the studio (portal/services/studio).
A loaded version is cached by the SHA-256 of its document, so a published version is parsed once
per process and a draft's every save is a new entry.
"""

import hashlib
import json
import re
import threading
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import forms_schema
from portal.models.questionnaire import PUBLISHED, QuestionnaireVersion

ROOT = Path(__file__).resolve().parent.parent / "questionnaires"
KINDS = ("technical", "business")
_VERSION_FILE = re.compile(r"^v(\d+)\.json$")
_CACHE_SIZE = 32
_cache: OrderedDict[str, forms_schema.Questionnaire] = OrderedDict()
_cache_lock = threading.Lock()


def files(kind: str) -> list[tuple[int, Path]]:
    """The version files of a kind shipped in questionnaires/, ascending by number."""
    found = ((_VERSION_FILE.match(p.name), p) for p in (ROOT / kind).glob("v*.json"))
    return sorted((int(m.group(1)), p) for m, p in found if m)


def canonical(document: dict[str, Any]) -> str:
    """The document as canonical JSON: sorted keys, no spaces; what its digest is taken of."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a document."""
    return hashlib.sha256(canonical(document).encode()).hexdigest()


def latest(session, kind: str) -> int:
    """The number of the newest published version: what newly accepted orders get."""
    number = session.scalar(
        select(func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.kind == kind, QuestionnaireVersion.status == PUBLISHED
        )
    )
    if number is None:
        raise LookupError(f"no published version of the {kind} questionnaire")
    return number


def pinned(session, order, kind: str) -> int:
    """The version an order's response to a kind starts with: the one current at acceptance."""
    return (order.questionnaire_versions or {}).get(kind) or latest(session, kind)


def get(session, kind: str, number: int) -> forms_schema.Questionnaire:
    """The loaded questionnaire of a version (any status); KeyError if there is none."""
    row = session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.sha256).where(
            QuestionnaireVersion.kind == kind, QuestionnaireVersion.number == number
        )
    ).first()
    if row is None:
        raise KeyError(f"{kind} v{number}")
    return _loaded(row.sha256, lambda: session.get(QuestionnaireVersion, row.id).document)


def load(version: QuestionnaireVersion) -> forms_schema.Questionnaire:
    """The loaded questionnaire of a version row at hand (drafts too); SchemaError if invalid."""
    return _loaded(version.sha256, lambda: version.document)


def _loaded(sha256: str, document) -> forms_schema.Questionnaire:
    with _cache_lock:
        found = _cache.get(sha256)
        if found is not None:
            _cache.move_to_end(sha256)
            return found
    loaded = forms_schema.load(document())
    with _cache_lock:
        _cache[sha256] = loaded
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def clear_cache() -> None:
    """Forget every loaded questionnaire (benchmarks measure a cold start with it)."""
    with _cache_lock:
        _cache.clear()


def context_of(order) -> dict:
    """The order facts questionnaire rules may look at (scope '#/context/<fact>')."""
    return {"deployment": order.deployment, "license_model": order.license_model}


# Per loaded version (they are cached by SHA-256 above) and locale: its readable names.
_labels: weakref.WeakKeyDictionary[forms_schema.Questionnaire, dict[str, dict[str, str]]]
_labels = weakref.WeakKeyDictionary()


def labels(questionnaire, locale: str) -> dict[str, str]:
    """Readable names of every question template: 'IT-Ansprechpartner › E-Mail'.

    Built once per version and locale; every caller gets its own copy.
    """
    per_locale = _labels.setdefault(questionnaire, {})
    found = per_locale.get(locale)
    if found is None:
        found = per_locale[locale] = _build_labels(questionnaire, locale)
    return dict(found)


def _build_labels(questionnaire, locale: str) -> dict[str, str]:
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
