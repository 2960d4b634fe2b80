"""A PDF's document information and catalog language, set after typesetting with pypdf.

xhtml2pdf runs reportlab in invariant mode (no clock of its own, a fixed document ID), so the
creation date is the one the caller gives: the same HTML and time give the same bytes.
"""

import io
from datetime import UTC, datetime

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def with_metadata(data: bytes, *, title, author, subject, language, created) -> bytes:
    """The PDF with its document information and catalog language set, via pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author,
            "/Subject": subject,
            "/Creator": "CPCE-Onboarding-Portal",
            "/CreationDate": _pdf_date(created),
            "/ModDate": _pdf_date(created),
        }
    )
    writer.root_object[NameObject("/Lang")] = TextStringObject(language)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
