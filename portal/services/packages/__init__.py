"""Step 8 (send_package): the documentation package, generated as a PDF, kept in versions, sent.

Partner staff request a version once the project lead has approved the protocol; a builder
makes it outside the request under a lease, stage by stage, from the frozen sources; partner
staff then send a ready version to every participant of the call. Where what lives:

    requesting.py  request(): a new version, pending
    building.py    build(), start_in_background(): the worker's stages, from sources to PDF
    lease.py       a builder's lease, waiting() packages and the rule for a stalled one
    sending.py     send(): one mail per participant; the first send completes step 8
    mails.py       who gets the package, and what their mail says
    pages.py       the package page, the poll, the download, the order page's card
    versions.py    what all of them share: stored versions, states, stages, who may act

The views and `flask package work` call the names below; the worker calls waiting() and
build(). Anything else is the package's own.
"""

from portal.services.packages.building import build, start_in_background
from portal.services.packages.lease import waiting
from portal.services.packages.pages import (
    Download,
    PackagePage,
    Progress,
    Section,
    Status,
    download,
    order_section,
    page,
    status,
)
from portal.services.packages.requesting import request
from portal.services.packages.sending import NOTE_MAX, send
from portal.services.packages.versions import STATUS_LABELS

__all__ = [
    "NOTE_MAX",
    "STATUS_LABELS",
    "Download",
    "PackagePage",
    "Progress",
    "Section",
    "Status",
    "build",
    "download",
    "order_section",
    "page",
    "request",
    "send",
    "start_in_background",
    "status",
    "waiting",
]
