"""The first versions of each questionnaire, from the files shipped in questionnaires/."""

import json

from sqlalchemy import select

from portal import questionnaires
from portal.models import utcnow
from portal.models.questionnaire import PUBLISHED, RETIRED, QuestionnaireVersion


def seed_from_files(session) -> list[QuestionnaireVersion]:
    """Store the shipped files of every kind that has no version yet; the newest is published."""
    added = []
    now = utcnow()
    for kind in questionnaires.KINDS:
        if session.scalar(select(QuestionnaireVersion.id).where(QuestionnaireVersion.kind == kind)):
            continue
        shipped = questionnaires.files(kind)
        for number, path in shipped:
            document = json.loads(path.read_text(encoding="utf-8"))
            newest = number == shipped[-1][0]
            version = QuestionnaireVersion(
                kind=kind,
                number=number,
                status=PUBLISHED if newest else RETIRED,
                document=document,
                sha256=questionnaires.digest(document),
                source="file",
                published_at=now,
                retired_at=None if newest else now,
            )
            session.add(version)
            added.append(version)
    session.commit()
    return added
