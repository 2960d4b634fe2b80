"""Reading PDFs back in tests: text, page labels, fonts (also by poppler); a canary HTTP server."""

import http.server
import io
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() or "" for page in reader(data).pages]


def text(data: bytes) -> str:
    """The whole document's text, pages joined, runs of white space collapsed."""
    return " ".join(" ".join(page_texts(data)).split())


def fonts_drawing_text(data: bytes) -> dict[str, bool]:
    """Font name -> embedded?, for every font that draws at least one visible character.

    xhtml2pdf leaves empty text runs in Helvetica (no glyph drawn); those do not count.
    """
    used: dict[str, bool] = {}

    def visit(text, _cm, _tm, font_dict, _size):
        if font_dict is None or not text.strip():
            return
        descriptor = font_dict.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font_dict:
            descriptor = font_dict["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        used[str(font_dict.get("/BaseFont"))] = embedded

    for page in reader(data).pages:
        page.extract_text(visitor_text=visit)
    return used


class _Canary(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    do_POST = do_HEAD = do_GET  # noqa: N815

    def log_message(self, *_args):
        pass


@contextmanager
def canary_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request: (base URL, paths requested)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.hits
    finally:
        server.shutdown()
        server.server_close()


def pdffonts(data: bytes) -> dict[str, bool]:
    """Every font the PDF references, as poppler's `pdffonts` lists it: name -> embedded?"""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        listed = subprocess.run(
            ["pdffonts", file.name], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
    # Columns: name, type (one or two words), encoding, emb, sub, uni, object, generation.
    return {line.split()[0]: line.split()[-5] == "yes" for line in listed if line.strip()}
