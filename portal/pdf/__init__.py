"""HTML to PDF with xhtml2pdf: the app's own fonts embedded, nothing fetched, same bytes for same input.

Documents are Jinja templates rendered with autoescape, so customer text reaches xhtml2pdf as
text. Below that, every resource xhtml2pdf would read passes two gates: the link callback
answers only the app's font files, and xhtml2pdf's resource policy allows no network at all
and local reads only inside the font directory. Images (the data flow diagram) come inline as
data: URIs built by our own code.
"""

import base64
import io
import logging
import threading
from pathlib import Path

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from svglib.fonts import register_font_family
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
# CSS family name -> (regular, bold, italic) files; "Mono" prints hashes and codes.
FAMILIES = {
    "Body": (
        "DejaVuSansCondensed.ttf",
        "DejaVuSansCondensed-Bold.ttf",
        "DejaVuSansCondensed-Oblique.ttf",
    ),
    "Mono": ("DejaVuSansMono.ttf", None, None),
}
# The diagram SVG names "sans-serif"; svglib maps it to our embedded font instead of Helvetica.
SVG_FAMILIES = ("sans-serif", "DejaVu Sans")

# No creation date and a fixed document ID: the same HTML gives the same bytes.
rl_config.invariant = 1

log = logging.getLogger(__name__)
_fonts_lock = threading.Lock()
_fonts_ready = False


class PdfError(RuntimeError):
    """xhtml2pdf could not build the document."""


def font_css() -> str:
    """@font-face rules for the embedded families; documents set font-family Body or Mono."""
    rules = []
    for family, files in FAMILIES.items():
        for file, weight, style in zip(
            files, ("normal", "bold", "normal"), ("normal", "normal", "italic"), strict=True
        ):
            if file:
                rules.append(
                    f"@font-face {{ font-family: {family}; src: url('{FONTS_DIR / file}'); "
                    f"font-weight: {weight}; font-style: {style}; }}"
                )
    return "\n".join(rules)


def svg_data_uri(svg: str) -> str:
    """An inline image source for an SVG our own code drew (drawn as vectors, not fetched)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _only_fonts(uri: str, rel: str | None) -> str:
    """Link callback: our font files and inline data, nothing else."""
    if uri.startswith("data:"):
        return uri
    path = Path(uri).resolve()
    if path.parent == FONTS_DIR and path.is_file():
        return str(path)
    log.warning("PDF resource refused: %.120s", uri)
    return ""


def _register_fonts() -> None:
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        regular, bold, italic = FAMILIES["Body"]
        # Every page starts in the canvas's base font; by default that is Helvetica, which
        # would sit in the PDF unembedded even though no text uses it.
        pdfmetrics.registerFont(TTFont("PortalBody", str(FONTS_DIR / regular)))
        rl_config.canvas_basefontname = "PortalBody"
        for name in SVG_FAMILIES:
            register_font_family(
                name, str(FONTS_DIR / regular), str(FONTS_DIR / bold), str(FONTS_DIR / italic)
            )
        _fonts_ready = True


def render(html: str) -> bytes:
    """The PDF of an HTML document; raises PdfError when xhtml2pdf reports an error."""
    _register_fonts()
    policy = ResourceAccessPolicy.server(base_dir=FONTS_DIR, allow_remote=False)
    out = io.BytesIO()
    result = pisa.CreatePDF(
        html,
        dest=out,
        encoding="utf-8",
        link_callback=_only_fonts,
        resource_policy=policy,
    )
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def document(template: str, *, language: str, title: str, header: str, **context) -> bytes:
    """Render a template extending pdf/layout.html in `language` and return its PDF.

    `title` is the document title, `header` the running header (customer and title).
    """
    with force_locale(language):
        page_of = escape(_("Seite %(page)s von %(pages)s")) % {
            "page": Markup("<pdf:pagenumber></pdf:pagenumber>"),
            "pages": Markup("<pdf:pagecount></pdf:pagecount>"),
        }
        html = render_template(
            template,
            # Built from our own constants only; escaping would break the CSS quotes.
            pdf_font_css=Markup(font_css()),  # noqa: S704
            pdf_language=language,
            pdf_title=title,
            pdf_header=header,
            pdf_page_of=page_of,
            **context,
        )
    return render(html)
