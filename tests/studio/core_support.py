"""Builders of the studio core's tests: editors, a draft, a draft changed and published."""

import copy

from portal import questionnaires
from portal.models import Role
from portal.services.studio import drafting, lifecycle
from tests.conftest import add_user


def core_editors(session, world):
    """Two questionnaire editors (Edda and Emil) beside the world's admin."""
    edda = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
    emil = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "emil@saxess.example")
    session.commit()
    return edda, emil


def core_draft(session, editor, kind="technical"):
    """A fresh draft of a kind, started by an editor."""
    return drafting.start_draft(session, editor, kind)


def core_changed(version, **english_labels):
    """The version's document with some English labels changed (a clean edit)."""
    document = copy.deepcopy(version.document)
    for key, text in english_labels.items():
        document["properties"][key]["x-ui"]["label"]["en"] = text
    return document


def core_publish(session, submitter, approver, version):
    """Submit and approve a version; returns it published."""
    lifecycle.submit(session, submitter, version.id, revision=version.revision)
    return lifecycle.approve(session, approver, version.id)


def core_latest(session, kind="technical"):
    """The newest published version row of a kind."""
    from portal.services.studio import records

    return records.numbered(session, kind, questionnaires.latest(session, kind))
