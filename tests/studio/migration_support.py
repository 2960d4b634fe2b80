"""Building blocks of the migration tests: an editor, a published v3, a response in flight.

Technical v3 is v2 with three changes a migration must handle: `mfa_required` renamed to
`mfa_mandatory` (the identity stays, the German label changes), `maintenance_windows` removed
(its answer is dropped) and the choice `service_provider` of `backup_responsibility` recoded
to `external_provider` by the version's map.
"""

import copy
import json

from sqlalchemy import select

from portal import questionnaires
from portal.models import QuestionnaireVersion, Role
from portal.models.questionnaire import PUBLISHED
from portal.services import drafts
from tests import samples
from tests.conftest import add_user
from tests.helpers import accept, place

KIND = "technical"
RECODES = {"/backup_responsibility": {"service_provider": "external_provider"}}
IN_FLIGHT = {
    "named_users": 40,
    "mfa_required": True,
    "maintenance_windows": "Samstag 22–6 Uhr",
    "backup_responsibility": "service_provider",
    "it_contacts": [samples.CONTACT, {**samples.CONTACT, "name": "Bernd Vertretung"}],
}


def migration_editor(session, world):
    """The questionnaire editor the world fixture does not have."""
    user = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
    session.commit()
    return user


def v3_document() -> dict:
    """Technical v2 with a renamed, a removed and a recoded question."""
    document = json.loads((questionnaires.ROOT / KIND / "v2.json").read_text(encoding="utf-8"))
    properties = {}
    for key, prop in document["properties"].items():
        if key == "maintenance_windows":
            continue
        if key == "mfa_required":
            prop = copy.deepcopy(prop)
            prop["x-ui"] = {"id": "mfa_required", **prop["x-ui"]}
            prop["x-ui"]["label"] = {"de": "MFA vorgeschrieben?", "en": "MFA mandatory?"}
            key = "mfa_mandatory"
        properties[key] = prop
    document["properties"] = properties
    document["required"] = [r for r in document["required"] if r != "maintenance_windows"]
    backup = properties["backup_responsibility"]
    backup["enum"] = ["customer_it", "external_provider"]
    labels = backup["x-ui"]["enum_labels"]
    labels["external_provider"] = labels.pop("service_provider")
    return document


def publish_v3(session, mapping=None, status=PUBLISHED) -> QuestionnaireVersion:
    """Technical v3 based on v2, published (or in another status) with its map."""
    v2 = session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.kind == KIND, QuestionnaireVersion.number == 2
        )
    )
    document = v3_document()
    version = QuestionnaireVersion(
        kind=KIND,
        number=3,
        status=status,
        document=document,
        sha256=questionnaires.digest(document),
        mapping={"renames": {}, "recodes": RECODES} if mapping is None else mapping,
        based_on=v2,
    )
    session.add(version)
    session.commit()
    return version


def order_in_flight(session, world, code="ACME", answers=None):
    """An accepted on-premises order whose technical answers are saved on v2, not submitted."""
    _tokens, order, response = customer_in_flight(session, world, code, answers)
    return order, response


def customer_in_flight(session, world, code="ACME", answers=None):
    """order_in_flight() with the customer's link tokens."""
    accepted = accept(session, world, place(session, world, code=code))
    result = drafts.save(
        session, accepted.order, KIND, base_version=0, changes=answers or IN_FLIGHT, author="Kunde"
    )
    assert result.saved and not result.conflicts, result.errors
    return accepted.tokens, accepted.order, result.response


def complete_answers() -> dict:
    """Everything an on-premises v2 customer must answer, with the three questions v3 changes."""
    answers = copy.deepcopy(samples.ON_PREMISES)
    answers.update(
        maintenance_windows=IN_FLIGHT["maintenance_windows"],
        backup_responsibility="service_provider",
        mfa_required=True,
    )
    return answers
