"""Step 9 `offer_services`: offer the additional services agreed in the setup call; the decision.

Partner staff start a draft from the services the protocol agreed, edit its lines, and send it;
through a secret link the customer accepts or declines, once. Where things live:

- pricing.py   the pure rules: line nets, totals and VAT, the range limits, the offer's code,
               when its link expires (no Flask, no database)
- records.py   loading offers for partner staff and for the customer's link; the shared flush
- drafting.py  use cases: start a draft, save the editor's changes (typed: DraftInput)
- address.py   use case: record the customer's postal address (the offer's recipient block)
- sending.py   use cases: send a draft, withdraw an offer, the stored PDF
- decision.py  use cases of the customer: the PDF through the link, accept or decline
- pages.py     view models: the partner's editor, the order page's part, the customer's page
- mails.py     the PDF and the mails (sent, withdrawn, decided) composed from their templates

The editor's form is read next to its view, in portal/offer/forms.py. Callers outside this
package use the names below.
"""

from portal.services.offers.address import address_of, missing_message, save_address
from portal.services.offers.decision import customer_pdf, decide
from portal.services.offers.drafting import DraftInput, DraftLine, save_draft, start
from portal.services.offers.mails import render_pdf, url_for_token
from portal.services.offers.pages import (
    CustomerPage,
    EditorPage,
    Section,
    Summary,
    customer_page,
    editor,
    order_section,
)
from portal.services.offers.pricing import LineValues, Totals, code, expiry, line_net, today, totals
from portal.services.offers.records import (
    agreed_services,
    customer_offer,
    default_recipients,
    offers_of,
    open_offer,
    redeem,
)
from portal.services.offers.sending import PdfFailed, SendResult, pdf_of, send, withdraw

__all__ = [
    "CustomerPage",
    "DraftInput",
    "DraftLine",
    "EditorPage",
    "LineValues",
    "PdfFailed",
    "Section",
    "SendResult",
    "Summary",
    "Totals",
    "address_of",
    "agreed_services",
    "code",
    "customer_offer",
    "customer_page",
    "customer_pdf",
    "decide",
    "default_recipients",
    "editor",
    "expiry",
    "line_net",
    "missing_message",
    "offers_of",
    "open_offer",
    "order_section",
    "pdf_of",
    "redeem",
    "render_pdf",
    "save_address",
    "save_draft",
    "send",
    "start",
    "today",
    "totals",
    "url_for_token",
    "withdraw",
]
