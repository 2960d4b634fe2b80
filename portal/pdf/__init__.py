"""HTML to PDF with xhtml2pdf: every font embedded, no glyph lost, true metadata, nothing fetched.

Documents are Jinja templates rendered with autoescape, so customer text reaches xhtml2pdf as
text. Below that, every resource xhtml2pdf would read passes two gates: the link callback
answers only the app's font files, and xhtml2pdf's resource policy allows no network at all
and local reads only inside the font directory. Images (the data flow diagram) come inline as
data: URIs built by our own code.

Every value a document prints passes glyph_markup(): characters the body font lacks are set in
a fallback font that has them (FALLBACKS: emoji and symbols, Chinese and Japanese), and one no
font has prints as a visible placeholder. The same input and build time give the same bytes.
"""

import base64
import html
import io
import logging
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from reportlab import rl_config
from reportlab.lib import fonts
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from svglib.fonts import register_font as svg_register_font
from svglib.fonts import register_font_family
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from portal.pdf import glyphs, metadata

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
# What the body font lacks, from Debian packages (README, .ci/run): Symbola (fonts-symbola:
# emoji in black and white, symbols) and Droid Sans Fallback (fonts-droid-fallback: Chinese,
# Japanese). Both are TrueType outlines, which reportlab embeds as subsets; colour emoji fonts
# (bitmaps) and the OpenType/CFF Noto CJK fonts it cannot embed. A missing file only narrows
# the coverage: its characters then print as the placeholder.
FALLBACKS = {
    "Symbols": Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
    "Cjk": Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
}
# xhtml2pdf names Helvetica by itself for runs that draw nothing (empty fragments, anchors,
# bullets); as a standard font it would be referenced unembedded, so the name is given the
# embedded body face.
STANDARD_FONT = "Helvetica"
# The diagram SVG names "sans-serif"; svglib maps it to our embedded font instead of Helvetica.
SVG_FAMILIES = ("sans-serif", "DejaVu Sans")

# A fixed document ID and no clock of reportlab's own: the creation date is set from the
# build time the caller gives, so the same HTML and time give the same bytes.
rl_config.invariant = 1

log = logging.getLogger(__name__)
_fonts_lock = threading.Lock()
_fonts_ready = False
_coverage: list[tuple[str | None, frozenset[int]]] = []


_reportlab_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode map, with code points above U+FFFF (emoji) written as UTF-16
    surrogate pairs: reportlab writes them as five hex digits, which readers cut to four, so
    a copied or extracted rocket came out as another character."""
    text = _reportlab_cmap(fontname, subset)
    for index, point in enumerate(subset):
        if point > 0xFFFF:
            pair = chr(point).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{index:02X}> <{point:04X}>", f"<{index:02X}> <{pair}>", 1)
    return text


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


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
    for family, path in FALLBACKS.items():
        if path.is_file():
            rules.append(f"@font-face {{ font-family: {family}; src: url('{path}'); }}")
    return "\n".join(rules)


_SVG_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def _svg_text(found: re.Match) -> str:
    """One SVG text in the first font that has all its characters (svglib places the runs of
    a centred text apart, so a label keeps one font); failing that, in the body font with
    the characters it lacks as the placeholder."""
    text = html.unescape(found.group(2))
    if glyphs.only_body(text, coverage()):
        return found.group(0)
    font, text = glyphs.one_font(text, coverage())
    opening = found.group(1)
    if font is not None:
        opening = opening[:-1] + f' font-family="{font}">'
    return opening + html.escape(text, quote=False) + found.group(3)


def svg_data_uri(svg: str) -> str:
    """An inline image source for an SVG our own code drew (drawn as vectors, not fetched);
    its texts' characters the body font lacks are set in a fallback font, as in the HTML."""
    svg = _SVG_TEXT.sub(_svg_text, svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _only_fonts(uri: str, rel: str | None) -> str:
    """Link callback: our font files and inline data, nothing else."""
    if uri.startswith("data:"):
        return uri
    path = Path(uri).resolve()
    if (path.parent == FONTS_DIR or path in FALLBACKS.values()) and path.is_file():
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
        body = TTFont("PortalBody", str(FONTS_DIR / regular))
        pdfmetrics.registerFont(body)
        rl_config.canvas_basefontname = "PortalBody"
        pdfmetrics.registerFont(TTFont(STANDARD_FONT, str(FONTS_DIR / regular)))
        # Registering maps every style of the family to the font, the last one (bold italic)
        # also back from its name; xhtml2pdf reads a run's style from that reverse mapping, so
        # without this every run would come out bold italic.
        fonts.addMapping(STANDARD_FONT.lower(), 0, 0, STANDARD_FONT)
        coverage = [(None, frozenset(body.face.charWidths))]
        for family, path in FALLBACKS.items():
            if path.is_file():
                coverage.append((family, frozenset(TTFont(family, str(path)).face.charWidths)))
                svg_register_font(family, str(path))
            else:
                log.warning("PDF fallback font %s missing; its characters print as %r", path,
                            glyphs.PLACEHOLDER)  # fmt: skip
        _coverage[:] = coverage
        for name in SVG_FAMILIES:
            register_font_family(
                name, str(FONTS_DIR / regular), str(FONTS_DIR / bold), str(FONTS_DIR / italic)
            )
        _fonts_ready = True


def coverage() -> list[tuple[str | None, frozenset[int]]]:
    """The code points of the body font, then of each fallback font present, in order."""
    _register_fonts()
    return _coverage


def glyph_markup(value: str) -> Markup:
    """Escaped text whose characters the body font lacks are set in a font that has them;
    one no font has prints as glyphs.PLACEHOLDER in the body font."""
    parts = []
    for run in glyphs.runs(str(value), coverage()):
        text = escape(run.text)
        if run.font is None:
            parts.append(text)
        else:
            parts.append(Markup('<span style="font-family: %s">%s</span>') % (run.font, text))
    return Markup("").join(parts)


def unprintable(text: str) -> list[str]:
    """The distinct characters of the text that no embedded font can print."""
    return glyphs.missing(text, coverage())


def _finalize(value):
    """Every printed value of a PDF template: markup as it is, text through glyph_markup()."""
    if value is None or isinstance(value, Markup | int | float):
        return value
    text = str(value)
    return value if glyphs.only_body(text, coverage()) else glyph_markup(text)


def _environment():
    """The app's Jinja environment with _finalize(); one per app."""
    app = current_app._get_current_object()
    env = app.extensions.get("portal_pdf_jinja")
    if env is None:
        env = app.extensions["portal_pdf_jinja"] = app.jinja_env.overlay(finalize=_finalize)
    return env


def typesetter_options() -> dict:
    """What every document is typeset with, besides its HTML and destination: the encoding,
    and the two gates that let xhtml2pdf read our font files and nothing else."""
    _register_fonts()
    policy = ResourceAccessPolicy.server(
        base_dir=FONTS_DIR,
        extra_roots=tuple({p.parent for p in FALLBACKS.values() if p.is_file()}),
        allow_remote=False,
    )
    return {"encoding": "utf-8", "link_callback": _only_fonts, "resource_policy": policy}


def render(html: str) -> bytes:
    """The PDF of an HTML document; raises PdfError when xhtml2pdf reports an error."""
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, **typesetter_options())
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def document(
    template: str,
    *,
    language: str,
    title: str,
    header: str,
    author: str = "Saxess",
    subject: str = "",
    created: datetime | None = None,
    locale: str | None = None,
    **context,
) -> bytes:
    """Render a template extending pdf/layout.html in `language` and return its PDF.

    `title` is the document title, `header` the running header (customer and title); title,
    `author` (who issues it), `subject` (the title unless given), language and `created` (now
    unless given) become the PDF's metadata. `locale` (default: the language) writes dates and
    numbers, e.g. en_GB.
    """
    with force_locale(locale or language):
        page_of = escape(_("Seite %(page)s von %(pages)s")) % {
            "page": Markup("<pdf:pagenumber></pdf:pagenumber>"),
            "pages": Markup("<pdf:pagecount></pdf:pagecount>"),
        }
        values = dict(
            context,
            # Built from our own constants only; escaping would break the CSS quotes.
            pdf_font_css=Markup(font_css()),  # noqa: S704
            pdf_language=language,
            # Plain escaped text: the <title> holds no font runs.
            pdf_title=escape(title),
            pdf_header=header,
            pdf_page_of=page_of,
        )
        current_app.update_template_context(values)
        html = _environment().get_template(template).render(values)
    data = render(html)
    return metadata.with_metadata(
        data,
        title=title,
        author=author,
        subject=subject or title,
        language=language,
        created=created or datetime.now(UTC),
    )
