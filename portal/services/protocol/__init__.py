"""Steps 6 (hold_call) and 7 (approve_protocol) of portal/process.py: the setup call's outcome.

Step 6: the order's project lead confirms the customer's contacts (contacts.py), then the call
is recorded as held once nothing it needs is missing (hold_call.py). Step 7: partner staff or
the lead draft the protocol and submit it (drafting.py); the lead approves or returns it
(approval.py). An approved protocol is immutable: every later write is refused for everyone
and the refusal is audited. The version column is SQLAlchemy's version counter, so an approval
and an edit that race cannot both succeed.

Beside the use cases: rules.py holds the pure rules (what a contact and the protocol's fields
must be, the content hash), guards.py the checks every use case shares (who may act, step
open, version, refusal once approved), pages.py what the pages show. Reading the submitted
forms is the blueprint's (portal/protocol/forms.py). Other features use only the names below.
"""

from portal.services.protocol.approval import approve, return_to_draft
from portal.services.protocol.contacts import (
    confirm_contacts,
    confirmation_of,
    contacts_confirmed,
    contacts_of,
)
from portal.services.protocol.drafting import (
    BERLIN,
    attendee_choices,
    clean,
    initial_fields,
    protocol_of,
    save_draft,
    service_catalogue,
    submit,
)
from portal.services.protocol.guards import is_lead, may_draft
from portal.services.protocol.hold_call import (
    MISSING,
    CallNotReady,
    complete_call,
    missing_for_call,
    missing_labels,
)
from portal.services.protocol.pages import (
    ROLE_LABELS,
    STATUS_LABELS,
    ContactRow,
    ContactsPage,
    ProtocolPage,
    Section,
    contacts_page,
    order_section,
    page,
    role_label,
)
from portal.services.protocol.rules import content_hash, content_of, fields_of

__all__ = [
    "BERLIN",
    "MISSING",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "CallNotReady",
    "ContactRow",
    "ContactsPage",
    "ProtocolPage",
    "Section",
    "approve",
    "attendee_choices",
    "clean",
    "complete_call",
    "confirm_contacts",
    "confirmation_of",
    "contacts_confirmed",
    "contacts_of",
    "contacts_page",
    "content_hash",
    "content_of",
    "fields_of",
    "initial_fields",
    "is_lead",
    "may_draft",
    "missing_for_call",
    "missing_labels",
    "order_section",
    "page",
    "protocol_of",
    "return_to_draft",
    "role_label",
    "save_draft",
    "service_catalogue",
    "submit",
]
