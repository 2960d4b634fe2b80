"""Helpers of the structured editor's tests: what a browser would post back from a page's form."""

from html.parser import HTMLParser


class _Fields(HTMLParser):
    """The successful controls of the first form with `marker` in its tag (default: any form)."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker, self.inside, self.done = marker, False, False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            text = " ".join(f"{k}={v}" for k, v in attrs)
            self.inside = self.marker in text or self.marker in a
            return
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[a["name"]] = a.get("value", "y")
            elif kind not in ("submit", "button"):
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = a.get("name"), None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.data[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.data[self.textarea] = ""

    def handle_data(self, data):
        if self.inside and self.textarea:
            self.data[self.textarea] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self.select:
            self.data.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                self.data[self.textarea] = self.data[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def editor_form_fields(html: str, marker: str = "method=post") -> dict[str, str]:
    """The fields the first form matching marker would send, as the page filled them."""
    parser = _Fields(marker)
    parser.feed(html)
    return parser.data
