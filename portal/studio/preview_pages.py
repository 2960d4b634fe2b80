"""Page models of the preview: where its links go, its banner, a draft that does not load."""

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import select

import forms_schema
from portal import questionnaires
from portal.models.questionnaire import QuestionnaireVersion
from portal.respond import pages, render
from portal.respond.render import Links
from portal.services.studio import testing
from portal.studio.preview_forms import LANGUAGES, Shown

DEPLOYMENT_NAMES = {"on_premises": _l("On-Premises"), "cp_cloud": _l("CP Cloud")}
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}
KIND_NAMES = {"technical": _l("Technischer Fragebogen"), "business": _l("Fachlicher Fragebogen")}
STATUS_NAMES = {
    "draft": lazy_pgettext("status", "Entwurf"),
    "in_review": _l("in Prüfung"),
    "published": _l("veröffentlicht"),
    "retired": _l("ausgemustert"),
}


@dataclass(frozen=True)
class PreviewLinks(Links):
    """The customer's pages' links, turned to the preview of one version in one language."""

    number: int = 0
    deployment: str = "on_premises"
    lang: str = "de"

    def _args(self, **changed: Any) -> dict[str, Any]:
        args = {"kind": self.kind, "number": self.number, "context": self.deployment}
        return args | {"lang": self.lang} | changed

    def page(self, page_key: str, **args: Any) -> str:
        """A page of the preview (args: query parameters such as add=)."""
        return url_for("studio_preview.page", page_key=page_key, **self._args(**args))

    def changes(self, page_key: str) -> str:
        """Where the page script sends its test answers."""
        return url_for("studio_preview.changes", page_key=page_key, **self._args())

    def summary(self) -> str:
        """The test's summary with the 'submit test' button."""
        return url_for("studio_preview.summary", **self._args())

    def submit(self) -> str:
        """Where 'submit test' posts."""
        return url_for("studio_preview.summary", **self._args())

    def reset(self) -> str:
        """Where 'Test zurücksetzen' posts."""
        return url_for("studio_preview.reset", **self._args())

    def here(self, page_key: str | None, **changed: Any) -> str:
        """The same page (or the summary, page_key None) with other settings."""
        if page_key is None:
            return url_for("studio_preview.summary", **self._args(**changed))
        return url_for("studio_preview.page", page_key=page_key, **self._args(**changed))


def links_of(row: QuestionnaireVersion, shown: Shown) -> PreviewLinks:
    """The preview's links for a version as it is shown."""
    return PreviewLinks(row.kind, row.number, shown.deployment, shown.lang)


@dataclass
class Loaded:
    """A version's questionnaire, or why its document does not load (and all its problems)."""

    questionnaire: forms_schema.Questionnaire | None
    error: forms_schema.SchemaError | None = None
    problems: list[forms_schema.Problem] = field(default_factory=list)


def loaded(row: QuestionnaireVersion) -> Loaded:
    """Load a version's document; a draft that does not load comes back with its problems."""
    try:
        return Loaded(questionnaires.load(row))
    except forms_schema.SchemaError as error:
        return Loaded(None, error, forms_schema.lint(row.document))


def banner(session, row: QuestionnaireVersion, links: PreviewLinks, page_key: str | None) -> dict:
    """The preview banner: what is shown, and switches for language, deployment and version."""
    numbers = session.execute(
        select(QuestionnaireVersion.number, QuestionnaireVersion.status)
        .where(QuestionnaireVersion.kind == row.kind)
        .order_by(QuestionnaireVersion.number)
    ).all()
    first = page_key  # another version may not have this page: its first page instead
    return {
        "row": row,
        "kind_name": KIND_NAMES.get(row.kind, row.kind),
        "status_name": STATUS_NAMES.get(row.status, row.status),
        "deployment_name": DEPLOYMENT_NAMES[links.deployment],
        "fillable": testing.fillable(row),
        "languages": [
            (LANGUAGE_NAMES[lang], lang, links.here(first, lang=lang), lang == links.lang)
            for lang in LANGUAGES
        ],
        "deployments": [
            (name, links.here(first, context=key), key == links.deployment)
            for key, name in DEPLOYMENT_NAMES.items()
        ],
        "versions": [
            (
                number,
                STATUS_NAMES.get(status, status),
                url_for(
                    "studio_preview.page",
                    kind=row.kind,
                    number=number,
                    context=links.deployment,
                    lang=links.lang,
                ),
                number == row.number,
            )
            for number, status in numbers
        ],
        "reset_url": links.reset(),
        "here_without_lang": links.here(page_key, lang=None),
    }


def answer(questionnaire, nodes, context: dict, result: testing.TestSave) -> dict[str, Any]:
    """What the page script gets back from a test save (the customer's answer, no conflicts)."""
    document = result.document
    state = pages.page_state(questionnaire, nodes, document, context)
    if not result.saved:
        return render.refused_save(questionnaire, state, document, result.errors)
    return {
        **state,
        "saved": True,
        "version": 0,
        **render.progress_of(questionnaire, document, context),
        "message": _("Testantworten gespeichert."),
        "conflicts": [],
        "conflict_panel": "",
    }
