"""The questionnaire studio's pages (vendor questionnaire editors and admins only).

views       the versions of each questionnaire, a version's lifecycle and lint, the raw JSON
            editor, the history of saves with restore, the diff of any two versions
forms.py    reading those requests (the JSON text, the revision, a note) into plain values
cli.py      `flask questionnaires list/import/export`
editor      the structured editor of a draft (blueprint studio_editor)
preview     a version as customers see it, in either language and deployment, test-filled
migration   moving in-flight answers to a newer version (dry run, apply), a draft's map
"""

from flask import Blueprint

bp = Blueprint("studio", __name__, url_prefix="/studio")


@bp.record_once
def _large_documents(state) -> None:
    # A whole questionnaire is one form field, larger than MAX_FORM_MEMORY_SIZE allows others.
    from portal.studio.forms import DOCUMENT_MAX_BYTES

    limits = state.app.config.setdefault("FORM_MEMORY_BY_ENDPOINT", {})
    limits["studio.save_json"] = DOCUMENT_MAX_BYTES


from portal.studio import views  # noqa: E402, F401
