"""Building blocks of the export tests: answered orders, a renamed version, files read back."""

import copy
import csv
import html
import io
import re
import zipfile

from portal import questionnaires
from portal.models import QuestionnaireVersion
from portal.models.questionnaire import PUBLISHED
from portal.services import drafts, responses
from tests import samples
from tests.helpers import accept, place

TECH = "technical"


def answered(session, world, code, partner=None, data=samples.ON_PREMISES, submit=True, **order):
    """An accepted order of the partner (or another one) whose customer answered the technical one."""
    placed = place(session, world, code=code, partner=partner, **order)
    accepted = accept(session, world, placed)
    result = drafts.save(
        session, accepted.order, TECH, base_version=0, changes=data, author="Kunde", locale="de"
    )
    assert result.saved and not result.conflicts, result.errors
    if submit:
        assert responses.submit(session, accepted.order, TECH, author="Kunde", locale="de") == []
    return accepted


def publish_renamed(session, old_key, new_key, label_de):
    """A new published technical version: old_key renamed (same x-ui.id), its label changed."""
    newest = questionnaires.latest(session, TECH)
    document = copy.deepcopy(questionnaires.get(session, TECH, newest).schema)
    properties = document["properties"]
    question = properties[old_key]
    question["x-ui"] = {"id": old_key, **question["x-ui"]}
    question["x-ui"]["label"] = {"de": label_de, "en": label_de}
    document["properties"] = {(new_key if k == old_key else k): v for k, v in properties.items()}
    document["required"] = [new_key if k == old_key else k for k in document["required"]]
    version = QuestionnaireVersion(
        kind=TECH,
        number=newest + 1,
        status=PUBLISHED,
        document=document,
        sha256=questionnaires.digest(document),
        source="studio",
    )
    session.add(version)
    session.commit()
    return version


def read_csv(body: bytes) -> list[list[str]]:
    """The rows of an exported CSV (BOM and ';' checked on the way)."""
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(body: bytes) -> list[list[tuple[str, str]]]:
    """The cells of the first sheet as (type, text) per row, read from the XML in the zip.

    Type "s" is a shared string, "n" a number, "f" a cell holding a formula.
    """
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        names = archive.namelist()
        shared = (
            archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
        )
    strings = [_text(s) for s in re.findall(r"<si>(.*?)</si>", shared, re.S)]
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet, re.S):
        cells = []
        for attributes, inner in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", row, re.S):
            if "<f>" in inner:
                cells.append(("f", inner))
                continue
            value = re.search(r"<v>(.*?)</v>", inner)
            if 't="s"' in attributes:
                cells.append(("s", strings[int(value.group(1))]))
            else:
                cells.append(("n", value.group(1) if value else ""))
        rows.append(cells)
    return rows


def _text(si: str) -> str:
    return html.unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)))
