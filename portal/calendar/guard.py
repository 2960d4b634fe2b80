"""Outgoing calendar requests: only to addresses the operator allows, bounded in size and time.

Calendar URLs are typed in by staff and fetched by the server, so without a guard anyone with a
calendar role could make the portal talk to itself or the internal network (server-side request
forgery). The check sits where the connection is made: a niquests resolver that looks the host
up once, refuses the whole answer if one address is internal and not allowed, and hands exactly
the checked addresses to the socket. There is no second lookup a rebinding DNS server could
answer differently; the URL keeps its host name, so the Host header and TLS (SNI and the
certificate check) stay those of the name. Every connection of a guarded session goes through
it: redirects (followed here, hop by hop, never by niquests), URLs a CalDAV server hands back,
and caldav's own retries. Environment proxies and .netrc are ignored: a proxy would resolve the
host itself, past the check.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import niquests
from niquests.packages.urllib3.contrib.resolver import BaseResolver, ProtocolResolver

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# socket.getaddrinfo's signature; tests pass a stub to play a DNS server.
Lookup = Callable[..., list[tuple[Any, ...]]]

MAX_BYTES = 10 * 1024 * 1024  # a calendar answer this big is a mistake or an attack
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_-]+)*$")


def classify(address: Address) -> str | None:
    """Why an address is not public ("loopback", "private", ...), or None if it is."""
    if isinstance(address, ipaddress.IPv6Address):
        # IPv4 inside IPv6 (mapped, 6to4, NAT64) reaches the IPv4 address: judge that one.
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return classify(inner)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address in SHARED_NAT:
        return "carrier-grade NAT"
    if address.is_private or address.is_reserved or not address.is_global:
        return "private"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "private"
    return None


@dataclass(frozen=True)
class Policy:
    """Where calendar requests may go: public addresses, plus the hosts and networks allowed."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()
    lookup: Lookup = field(default=socket.getaddrinfo, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str, lookup: Lookup = socket.getaddrinfo) -> Policy:
        """A policy from CALENDAR_ALLOWED_HOSTS: host names and networks (CIDR), comma separated."""
        hosts, networks = set(), []
        for entry in (e.strip().lower() for e in re.split(r"[,\s]+", text or "")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            if not _HOST_NAME.match(entry.rstrip(".")) or entry.replace(".", "").isdigit():
                raise ValueError(
                    f"CALENDAR_ALLOWED_HOSTS: {entry!r} is neither a host name nor a network"
                    " (e.g. caldav.example.org, 10.20.0.0/16, 192.0.2.7)"
                )
            hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks), lookup)

    def refusal(self, host: str, address: Address) -> str | None:
        """Why a connection to address (found for host) is not allowed, or None if it is."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if host.lower().rstrip(".") in self.hosts:
            return None
        if any(address.version == net.version and address in net for net in self.networks):
            return None
        return classify(address)

    def literal_refusal(self, host: str) -> str | None:
        """Without DNS: why a URL host that is an address or a local name is refused, if it is."""
        name = host.lower().rstrip(".")
        if name in self.hosts:
            return None
        if name == "localhost" or name.endswith(".localhost"):
            return "loopback"
        try:
            address = ipaddress.ip_address(name.strip("[]").split("%")[0])
        except ValueError:
            return None  # a name: judged by what it resolves to, when connecting
        return self.refusal(name, address)


class Refused(OSError):
    """The guard refused a connection; `reason` says why, without remote content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Guard:
    """One bounded conversation: the policy, a deadline for all of it, and what went wrong."""

    def __init__(self, policy: Policy, seconds: float, max_bytes: int = MAX_BYTES) -> None:
        self.policy, self.max_bytes = policy, max_bytes
        self.deadline = time.monotonic() + seconds
        self.refused: str | None = None  # "loopback", "private", ..., "scheme", "redirects"
        self.expired = False
        self.too_large = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        # Socket timeouts bound each read, not the whole answer: a server sending one byte a
        # second would hold the request forever. At the deadline the sockets are shut down.
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def time_left(self, wanted: float | None = None) -> float:
        """Seconds a network operation may take now; raises once the deadline has passed."""
        left = self.deadline - time.monotonic()
        if left <= 0 or self.expired:
            self.expired = True
            raise TimeoutError("calendar request deadline passed")
        return min(wanted, left) if isinstance(wanted, int | float) and wanted > 0 else left

    def resolve(self, host: str | bytes | None, port, family, kind, proto=0, flags=0) -> list:
        """Look host up once; refuse if any answer is not allowed, else return the answer."""
        self.time_left()
        name = host.decode("ascii") if isinstance(host, bytes) else (host or "")
        records = self.policy.lookup(name, port, family, kind, proto, flags)
        for record in records:
            address = ipaddress.ip_address(str(record[4][0]).split("%")[0])
            if reason := self.policy.refusal(name, address):
                self.refused = reason
                raise Refused(f"{name} resolves to a {reason} address")
        return records

    def track(self, sock: socket.socket) -> None:
        """Remember a connected socket (a duplicate: TLS wrapping detaches the original)."""
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            expired = self.expired
        if expired:
            self._shutdown(copy)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by the other side
            sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Stop the timer and release the socket duplicates."""
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


class _Resolver(BaseResolver):
    """niquests' resolver protocol, answering through the guard."""

    protocol = ProtocolResolver.CUSTOM
    implementation = "portal-calendar-guard"

    def __init__(self, guard: Guard) -> None:
        super().__init__(None, None)
        self._guard = guard

    def recycle(self) -> BaseResolver:
        return self

    def close(self) -> None:
        pass  # the guard outlives single connections; Guard.close() ends it

    def is_available(self) -> bool:
        return True

    def getaddrinfo(self, host, port, family, type, proto=0, flags=0, **_ignored):  # noqa: A002
        return self._guard.resolve(host, port, family, type, proto, flags)

    def create_connection(self, address, timeout=None, *args, **kwargs):
        # The base class connects to exactly what getaddrinfo above returned.
        sock = super().create_connection(address, self._guard.time_left(timeout), *args, **kwargs)
        self._guard.track(sock)
        return sock


class TooLarge(OSError):
    """The answer is bigger than the guard allows."""


class GuardedSession(niquests.Session):
    """A niquests session whose every request goes through the guard; bodies read in full."""

    def __init__(self, guard: Guard) -> None:
        super().__init__(resolver=_Resolver(guard), disable_http3=True, happy_eyeballs=False)
        self.trust_env = False  # proxies from the environment would resolve past the guard
        self.guard = guard

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> niquests.Response:
        """Send one request, following redirects here so that each hop is checked."""
        kwargs.update(allow_redirects=False, stream=True)
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_scheme(url)
            kwargs["timeout"] = self.guard.time_left(kwargs.get("timeout"))
            response = super().request(method, url, *args, **kwargs)
            if response.status_code not in REDIRECTS or "location" not in response.headers:
                self._read(response)
                return response
            response.close()
            target = urljoin(url, response.headers["location"])
            if _origin(target) != _origin(url):
                # Credentials are for the server they were entered for, not where it sends us.
                kwargs.pop("auth", None)
                headers = kwargs.get("headers") or {}
                kwargs["headers"] = {
                    k: v for k, v in headers.items() if k.lower() != "authorization"
                }
            if (
                response.status_code == 303
                and method != "HEAD"
                or (response.status_code in (301, 302) and method == "POST")
            ):
                method = "GET"  # as browsers and requests do
                kwargs.pop("data", None)
            url = target
        self.guard.refused = "redirects"
        raise Refused(f"more than {MAX_REDIRECTS} redirects")

    def _check_scheme(self, url: str) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            self.guard.refused = "scheme"
            raise Refused("only http:// and https:// are followed")

    def _read(self, response: niquests.Response) -> None:
        limit = self.guard.max_bytes
        declared = response.headers.get("content-length", "")
        body = bytearray()
        if not (declared.isdigit() and int(declared) > limit):
            # Counted after decompression: a small gzip body may unpack to gigabytes.
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > limit:
                    break
        if len(body) > limit or (declared.isdigit() and int(declared) > limit):
            response.close()
            self.guard.too_large = True
            raise TooLarge(f"answer larger than {limit} bytes")
        response._content = bytes(body)  # what .content and .text then return


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


@contextmanager
def session(policy: Policy, seconds: float, max_bytes: int = MAX_BYTES) -> Iterator[GuardedSession]:
    """A guarded session for one conversation of at most `seconds`; closed afterwards."""
    guard = Guard(policy, seconds, max_bytes)
    try:
        with GuardedSession(guard) as guarded:
            yield guarded
    finally:
        guard.close()
