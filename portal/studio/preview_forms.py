"""What the preview's address asks for: the deployment and the language (query parameters)."""

from dataclasses import dataclass

from flask import request

from portal.filters import locale
from portal.services.studio.testing import DEPLOYMENTS

LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class Shown:
    """How a version is previewed: for which deployment (context) and in which language."""

    deployment: str
    lang: str


def shown() -> Shown:
    """Read ?context= and ?lang=; anything else falls back to on-premises and the user's language.

    The values are carried in every link and form action of the preview, so posts keep them too.
    """
    deployment = request.args.get("context", "")
    lang = request.args.get("lang", "")
    return Shown(
        deployment if deployment in DEPLOYMENTS else DEPLOYMENTS[0],
        lang if lang in LANGUAGES else locale(),
    )
