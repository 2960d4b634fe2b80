"""Step 6 `hold_call` of portal/process.py: partner staff review the answers in the setup call.

Every answer the customer submitted is reviewed on its own (accepted, changed in the call, or an
open question, with a final value and a comment); once every answer has a status, the
questionnaire is finalised into a frozen, hashed snapshot, and the call can be recorded as held
(services/protocol/hold_call.py asks `finalised`). One AnswerReview row per answer is written
with SQLAlchemy's version counter, so two reviewers saving the same answer cannot both win;
after the freeze every write is refused, for every role, and each refusal is audited.
Where things live:

- rules.py       the pure rules: typed final values, the form's values, the answers under
                 review, filters, the final document, the order of the difference, the hash
                 (no Flask, no database)
- state.py       loading the answers under review (the submitted response or the snapshot),
                 their rows and the stored reviews
- guards.py      the checks every write shares: partner staff only, the refusal once
                 finalised, the version a save started from
- answers.py     use case: save one answer's review
- bulk.py        use case: accept every untouched answer in view at once
- finalising.py  use case: finalise into the snapshot (and building it)
- pages.py       view models: the workspace, the difference, the order page's part

Reading the workspace's forms is the blueprint's (portal/review/forms.py). Callers outside
this package use the names below.
"""

from portal.services.review.answers import save_review
from portal.services.review.bulk import BulkResult, accept_unchanged
from portal.services.review.finalising import NeedsConfirmation, finalise
from portal.services.review.pages import (
    DiffPage,
    DiffRow,
    SectionRow,
    Workspace,
    diff,
    diff_page,
    order_section,
    workspace,
)
from portal.services.review.rules import (
    COMMENT_LIMIT,
    FILTERS,
    content_hash,
    form_values,
    parse_final,
)
from portal.services.review.state import Row, finalised, snapshot

__all__ = [
    "COMMENT_LIMIT",
    "BulkResult",
    "NeedsConfirmation",
    "accept_unchanged",
    "FILTERS",
    "DiffPage",
    "DiffRow",
    "Row",
    "SectionRow",
    "Workspace",
    "content_hash",
    "diff",
    "diff_page",
    "finalise",
    "finalised",
    "form_values",
    "order_section",
    "parse_final",
    "save_review",
    "snapshot",
    "workspace",
]
