"""What step 4 calls things: the step, the database and its logins, the SQL Server's name.

Pure rules: plain values in, plain values out, no session and no request
(tests/unit/test_cloud_names.py tests them without an app).
"""

import ipaddress
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.services.errors import Invalid

CLOUD = "cp_cloud"
STEP = "provision_cloud"
WHICH = ("saxess", "cpce")

_DNS_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_INSTANCE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,15}")
_PORT = re.compile(r"[1-9][0-9]{0,4}")


@dataclass(frozen=True)
class Names:
    """The database and login names of a customer, derived from its short code."""

    database: str
    saxess: str
    cpce: str

    def login(self, which: str) -> str:
        """The login name of the user `which` ("saxess" or "cpce")."""
        return {"saxess": self.saxess, "cpce": self.cpce}[which]


def names_for(short_code: str) -> Names:
    """`<CODE>_CPCE`, `<CODE>_saxess` and `<CODE>_cpce` for a short code."""
    return Names(f"{short_code}_CPCE", f"{short_code}_saxess", f"{short_code}_cpce")


def validate_server_name(raw: str) -> str:
    """The SQL Server name as `host\\INSTANCE` or `host,port` (host: DNS name or IPv4), trimmed."""
    value = (raw or "").strip()
    message = _(
        "Bitte den SQL Server als „host\\INSTANZ“ oder „host,port“ angeben, z. B. sql01.cp.example\\CPCE oder 10.0.0.5,1433."
    )
    if "\\" in value:
        host, _sep, instance = value.partition("\\")
        if not _INSTANCE.fullmatch(instance):
            raise Invalid(message)
    elif "," in value:
        host, _sep, port = value.partition(",")
        if not _PORT.fullmatch(port) or int(port) > 65535:
            raise Invalid(message)
    else:
        raise Invalid(message)
    if not _valid_host(host):
        raise Invalid(message)
    return value


def _valid_host(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    labels = host.removesuffix(".").split(".")
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return all(_DNS_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()
