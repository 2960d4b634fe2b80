"""Request logs without secret links: the token in /r/, /o/ and /a/<token> is masked.

One rule, mask(), for every log that writes request paths: the development server's
("werkzeug"), the app's own (Flask logs "Exception on /r/<token>"), and gunicorn's access and
error logs (GunicornLogger, named in gunicorn.conf.py).
"""

import logging
import re

from gunicorn.glogging import Logger

# A path segment "r", "o" or "a" (answer links) and the token after it, wherever a path or
# URL stands in a line.
_TOKEN_PATH = re.compile(r"(?<=/)([aor])/[^/?#\s\"']+")
MASK = "***"


def mask(text: str) -> str:
    """The text with the token of every secret-link path replaced: /r/abc?x -> /r/***?x."""
    return _TOKEN_PATH.sub(rf"\1/{MASK}", text)


class MaskSecretLinks(logging.Filter):
    """Rewrites a log record's message so that no secret link token reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _add_filter(logger: logging.Logger) -> None:
    if not any(isinstance(f, MaskSecretLinks) for f in logger.filters):
        logger.addFilter(MaskSecretLinks())


def install(app) -> None:
    """Mask secret links in the development server's request log and in the app's log."""
    _add_filter(logging.getLogger("werkzeug"))
    _add_filter(app.logger)


class GunicornLogger(Logger):
    """gunicorn's logger with secret links masked in the access and the error log."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        _add_filter(self.access_log)
        _add_filter(self.error_log)
