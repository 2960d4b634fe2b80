"""The format checker: date (jsonschema's own), email, uri, host and public-ip-network (ours).

A check may raise FormatProblem instead of returning False: its reason picks a more precise
message ("format:<name>:<reason>" in messages.py) and its params fill that message in.
"""

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker


class FormatProblem(ValueError):
    """Why a value is not of its format: a reason key for the message, and values for it."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


FORMAT_CHECKER = FormatChecker(formats=("date",))

# Deliberately simple: one @, a dotted domain with a letter TLD, no spaces. Unicode letters pass.
_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{2,}"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_NETWORK = re.compile(r"([^/\s]+)(/[0-9]{1,3})?")

# Not public, after the IANA special-purpose address registries: "this network", private
# (RFC 1918), shared/carrier-grade NAT, loopback, link-local, IETF protocol assignments,
# documentation, 6to4 relay, benchmarking, multicast and reserved (with broadcast).
_NOT_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
# Public IPv6 unicast is 2000::/3 (which leaves out ::1, ::ffff:0:0/96, fc00::/7 unique local,
# fe80::/10 link-local, ff00::/8 multicast, ...) minus these blocks inside it: IETF protocol
# assignments (Teredo, benchmarking, ORCHID), documentation (2001:db8::/32, 3fff::/20), 6to4.
_GLOBAL_V6 = ipaddress.IPv6Network("2000::/3")
_NOT_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(n) for n in ("2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20")
)


@FORMAT_CHECKER.checks("email")
def is_email(instance: object) -> bool:
    """A plausible email address (the one real check is sending mail to it)."""
    return not isinstance(instance, str) or bool(_EMAIL.fullmatch(instance))


@FORMAT_CHECKER.checks("uri")
def is_uri(instance: object) -> bool:
    """An absolute URI; http(s) ones need a host ("www.example.com" alone is not enough)."""
    if not isinstance(instance, str):
        return True
    if not instance or any(ch.isspace() or ord(ch) < 32 for ch in instance):
        return False
    try:
        parts = urlsplit(instance)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    if not _SCHEME.fullmatch(parts.scheme):
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.hostname)
    return bool(parts.netloc or parts.path)


def is_hostname(text: str) -> bool:
    """A host name after RFC 1123: dot-separated labels of letters, digits and inner hyphens.

    The last label must not be all digits, so that "300.1.1.1" is no host name either.
    """
    labels = text.split(".")
    return (
        len(text) <= 253
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


@FORMAT_CHECKER.checks("host")
def is_host(instance: object) -> bool:
    """A host name (RFC 1123) or an IPv4/IPv6 address; no scheme, port or path."""
    if not isinstance(instance, str):
        return True
    try:
        ipaddress.ip_address(instance)
    except ValueError:
        return is_hostname(instance)
    return True


@FORMAT_CHECKER.checks("public-ip-network", raises=FormatProblem)
def is_public_ip_network(instance: object) -> bool:
    """A public IPv4/IPv6 address, or a public network in CIDR notation (address/prefix length).

    Every address of the network must be publicly routable; the address of a network is its
    first one (203.0.113.5/28 is refused, naming 203.0.113.0/28).
    """
    if not isinstance(instance, str):
        return True
    match = _NETWORK.fullmatch(instance)
    if match is None:
        raise FormatProblem("syntax")
    try:
        address = ipaddress.ip_address(match.group(1))
        network = ipaddress.ip_network(instance, strict=False)
    except ValueError:
        raise FormatProblem("syntax") from None
    if not _public(network):
        raise FormatProblem("not_public")
    if network.network_address != address:
        raise FormatProblem("host_bits", network=network.with_prefixlen)
    return True


def _public(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    if isinstance(network, ipaddress.IPv4Network):
        blocked: tuple[Any, ...] = _NOT_PUBLIC_V4
    else:
        if not network.subnet_of(_GLOBAL_V6):
            return False
        blocked = _NOT_PUBLIC_V6
    if any(network.overlaps(block) for block in blocked):
        return False
    # The standard library's view as a second opinion (it follows Python's updates).
    return network.network_address.is_global and network.broadcast_address.is_global


def known(name: str) -> bool:
    """Whether validate() checks this format (others would pass silently)."""
    return name in FORMAT_CHECKER.checkers
