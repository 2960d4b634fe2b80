"""Calendar URLs cannot reach the portal's own network: real listeners record every contact.

Each refused request is made against a listener on 127.0.0.1 that must never be contacted.
127.0.0.2 and 127.0.0.3 (loopback as well, on Linux) play servers the operator allowed; a stub
resolver plays a DNS server that changes its answer between lookups.
"""

import datetime as dt
import gzip
import ipaddress
import socket
import ssl
import time
from datetime import UTC, datetime, timedelta

import niquests
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal import create_app
from portal.calendar import guard, sources
from portal.calendar.guard import Policy, classify
from portal.calendar.slots import Busy
from portal.calendar.sources import CalendarUnavailable, caldav_busy, ics_feed_busy
from tests.listener import Listener, feed
from tests.radicale_server import free_port

START = datetime(2025, 3, 10, tzinfo=UTC)
END = datetime(2025, 3, 11, tzinfo=UTC)
FEED_BUSY = [Busy(datetime(2025, 3, 10, 9, tzinfo=UTC), datetime(2025, 3, 10, 10, tzinfo=UTC))]
ALLOW_2 = Policy.parse("127.0.0.2")  # an allowed internal calendar server


class Resolver:
    """A DNS server played by the test: one answer per lookup, the last one repeated."""

    def __init__(self, *answers: str | list[str]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host, port, family=0, kind=0, proto=0, flags=0):
        self.calls.append(host)
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in ([answer] if isinstance(answer, str) else answer)
        ]


def refused(call, kind: str = sources.REFUSED, within: float = 3) -> CalendarUnavailable:
    """Run call and expect a CalendarUnavailable of this kind, in time."""
    started = time.monotonic()
    with pytest.raises(CalendarUnavailable) as caught:
        call()
    assert time.monotonic() - started < within
    assert caught.value.kind == kind, caught.value
    return caught.value


def redirect_to(location: str):
    def answer(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


# ---------------------------------------------------------------- which addresses


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.178.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to judge, not to bind
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("192.0.2.10", "private"),  # documentation range: not routed on the internet
        ("240.0.0.1", "private"),  # reserved
        ("8.8.8.8", None),
        ("93.184.215.14", None),
        ("2a00:1450:4001:81c::200e", None),
        ("100.128.0.1", None),  # just past carrier-grade NAT
    ],
)
def test_classify(address, kind):
    assert classify(ipaddress.ip_address(address)) == kind


def test_policy_parses_host_names_and_networks():
    policy = Policy.parse(" CalDAV.Intern., 10.20.0.0/16  192.0.2.7,fd00::/8 ")
    assert policy.hosts == {"caldav.intern"}
    assert [str(n) for n in policy.networks] == ["10.20.0.0/16", "192.0.2.7/32", "fd00::/8"]
    ip = ipaddress.ip_address
    assert policy.refusal("caldav.intern", ip("127.0.0.1")) is None  # the name is trusted
    assert policy.refusal("other", ip("10.20.99.1")) is None
    assert policy.refusal("other", ip("::ffff:10.20.99.1")) is None
    assert policy.refusal("other", ip("10.21.0.1")) == "private"
    assert policy.refusal("other", ip("fd00::5")) is None
    assert Policy.parse("").hosts == frozenset() and Policy.parse("").networks == ()


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "https://caldav.intern", "host:8443", "a b/c"])
def test_policy_refuses_entries_it_cannot_read(entry):
    with pytest.raises(ValueError, match="CALENDAR_ALLOWED_HOSTS"):
        Policy.parse(entry)


def test_a_malformed_allow_list_stops_the_portal_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("CALENDAR_ALLOWED_HOSTS", "caldav.intern, 10.0.0.0/33")
    with pytest.raises(ValueError, match="CALENDAR_ALLOWED_HOSTS: '10.0.0.0/33'"):
        create_app()
    monkeypatch.setenv("CALENDAR_ALLOWED_HOSTS", "caldav.intern, 10.0.0.0/8")
    assert create_app().config["CALENDAR_ALLOWED_HOSTS"] == "caldav.intern, 10.0.0.0/8"


# ---------------------------------------------------------------- refused: never contacted


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]"],
)
def test_internal_addresses_are_refused_without_contact_in_every_spelling(host):
    with Listener() as internal:
        url = f"http://{host}:{internal.port}/feed.ics"
        refused(lambda: ics_feed_busy(url, START, END))
        refused(lambda: caldav_busy(url, "leo", "pw", START, END))
        refused(lambda: sources.put_event(url, "leo", "pw", "u", _event("u")))
        refused(lambda: sources.delete_event(url, "leo", "pw", "u"))
        assert internal.contacts == 0


def test_open_and_closed_ports_give_the_same_answer():
    with Listener() as internal:
        errors = [
            refused(lambda p=port: ics_feed_busy(f"http://127.0.0.1:{p}/", START, END))
            for port in (internal.port, free_port())
        ] + [
            refused(lambda p=port: caldav_busy(f"http://127.0.0.1:{p}/", "a", "b", START, END))
            for port in (internal.port, free_port())
        ]
        assert internal.contacts == 0
    assert len({(e.kind, e.reason) for e in errors}) == 1
    assert "internal (loopback)" in errors[0].reason


def test_the_allow_list_admits_127_0_0_1_explicitly():
    with Listener() as internal:
        url = f"{internal.url}/feed.ics"
        refused(lambda: ics_feed_busy(url, START, END))
        assert internal.contacts == 0
        for allowed in ("127.0.0.1", "127.0.0.0/8"):
            assert ics_feed_busy(url, START, END, policy=Policy.parse(allowed)) == FEED_BUSY
        named = f"http://localhost:{internal.port}/feed.ics"
        assert ics_feed_busy(named, START, END, policy=Policy.parse("localhost")) == FEED_BUSY
        assert internal.contacts == 3


# ---------------------------------------------------------------- DNS: connect to what was checked


def test_the_connection_goes_to_the_address_that_was_checked():
    with (
        Listener("127.0.0.2") as allowed,
        Listener("127.0.0.1", port=allowed.port) as internal,
    ):
        # First answer allowed, every later one internal: a second lookup would hit 127.0.0.1.
        dns = Resolver("127.0.0.2", "127.0.0.1")
        policy = Policy.parse("127.0.0.2", lookup=dns)
        url = f"http://calendar.test:{allowed.port}/feed.ics"
        assert ics_feed_busy(url, START, END, policy=policy) == FEED_BUSY
        assert dns.calls == ["calendar.test"]
        assert internal.contacts == 0 and allowed.contacts == 1
        # The request still names the host: virtual hosts and TLS work as without the guard.
        assert allowed.requests[0][2]["Host"] == f"calendar.test:{allowed.port}"

        # The next conversation looks up again and gets the internal answer: refused.
        refused(lambda: ics_feed_busy(url, START, END, policy=policy))
        assert internal.contacts == 0


def test_an_answer_with_one_internal_address_is_refused_as_a_whole():
    with (
        Listener("127.0.0.2") as allowed,
        Listener("127.0.0.1", port=allowed.port) as internal,
    ):
        policy = Policy.parse("127.0.0.2", lookup=Resolver(["127.0.0.2", "127.0.0.1"]))
        url = f"http://calendar.test:{allowed.port}/feed.ics"
        refused(lambda: ics_feed_busy(url, START, END, policy=policy))
        refused(lambda: caldav_busy(url, "a", "b", START, END, policy=policy))
        assert allowed.contacts == 0 and internal.contacts == 0


def test_environment_proxies_are_not_used(monkeypatch):
    with Listener("127.0.0.2") as calendar, Listener() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        assert ics_feed_busy(f"{calendar.url}/feed.ics", START, END, policy=ALLOW_2) == FEED_BUSY
        assert proxy.contacts == 0 and calendar.contacts == 1


# ---------------------------------------------------------------- redirects, hop by hop


def test_a_redirect_from_an_allowed_host_to_127_0_0_1_is_refused():
    with Listener() as internal:
        target = f"{internal.url}/feed.ics"
        with Listener("127.0.0.2", answer=redirect_to(target)) as allowed:
            refused(lambda: ics_feed_busy(f"{allowed.url}/feed.ics", START, END, policy=ALLOW_2))
            refused(
                lambda: caldav_busy(f"{allowed.url}/cal/", "a", "b", START, END, policy=ALLOW_2)
            )
            assert allowed.contacts >= 2
        with Listener("127.0.0.2", answer=redirect_to("//localhost:1/x")) as allowed:
            refused(lambda: ics_feed_busy(f"{allowed.url}/feed.ics", START, END, policy=ALLOW_2))
        assert internal.contacts == 0


def test_a_redirect_to_another_scheme_or_a_loop_is_refused():
    with Listener("127.0.0.2", answer=redirect_to("file:///etc/passwd")) as allowed:
        refused(lambda: ics_feed_busy(allowed.url, START, END, policy=ALLOW_2), sources.SCHEME)
    with Listener("127.0.0.2", answer=redirect_to("/again")) as loop:
        refused(lambda: ics_feed_busy(loop.url, START, END, policy=ALLOW_2), sources.REDIRECTS)
        assert len(loop.requests) == guard.MAX_REDIRECTS + 1


def test_redirects_within_allowed_hosts_are_followed_without_the_credentials():
    with Listener("127.0.0.3") as second:

        def answer(handler) -> None:
            if handler.path == "/old":
                redirect_to("/moved")(handler)  # same server: credentials stay
            elif handler.path == "/moved":
                redirect_to(f"{second.url}/feed.ics")(handler)  # another server: they do not
            else:
                feed(handler)

        with Listener("127.0.0.2", answer=answer) as first:
            policy = Policy.parse("127.0.0.2, 127.0.0.3")
            url = f"http://feed:token@127.0.0.2:{first.port}/old"
            assert ics_feed_busy(url, START, END, policy=policy) == FEED_BUSY
            assert [path for _m, path, _h in first.requests] == ["/old", "/moved"]
            assert all("Authorization" in headers for _m, _p, headers in first.requests)
            assert "Authorization" not in second.requests[0][2]


# ---------------------------------------------------------------- what the messages say


def test_messages_never_quote_what_the_server_sent():
    secret = b"db-password=hunter2 <internal-admin-page>"

    def leaky(handler) -> None:
        status = 500 if handler.path.startswith("/error") else 200
        handler.send_response(status, "Leaky hunter2 reason")
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(secret)))
        handler.end_headers()
        handler.wfile.write(secret)

    with Listener("127.0.0.2", answer=leaky) as server:
        errors = [
            refused(
                lambda: ics_feed_busy(f"{server.url}/ok", START, END, policy=ALLOW_2), "bad_data"
            ),
            refused(
                lambda: ics_feed_busy(f"{server.url}/error", START, END, policy=ALLOW_2),
                sources.SERVER_ERROR,
            ),
            refused(
                lambda: caldav_busy(f"{server.url}/error/", "a", "b", START, END, policy=ALLOW_2),
                sources.SERVER_ERROR,
            ),
            refused(
                lambda: caldav_busy(f"{server.url}/ok/", "a", "b", START, END, policy=ALLOW_2),
                sources.BAD_DATA,
            ),
        ]
    for error in errors:
        assert "hunter2" not in str(error) and "internal-admin" not in str(error)
    assert errors[1].status == errors[2].status == 500


# ---------------------------------------------------------------- size and time


def _streamed(size: int, chunk: bytes = b"x" * 65536):
    def answer(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/calendar")
        handler.send_header("Connection", "close")
        handler.end_headers()
        sent = 0
        try:
            while sent < size:
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the portal hung up, as it should

    return answer


def test_an_answer_bigger_than_the_cap_is_refused():
    limit = sources.MAX_FEED_BYTES
    with Listener("127.0.0.2", answer=_streamed(limit + 65536)) as big:
        error = refused(
            lambda: ics_feed_busy(big.url, START, END, policy=ALLOW_2), sources.TOO_LARGE
        )
        assert "10 MiB" in error.reason
        refused(
            lambda: caldav_busy(f"{big.url}/cal/", "a", "b", START, END, policy=ALLOW_2),
            sources.TOO_LARGE,
        )

    def declared(handler) -> None:  # announces 20 MiB, sends nothing: refused without waiting
        handler.send_response(200)
        handler.send_header("Content-Length", str(2 * limit))
        handler.end_headers()

    with Listener("127.0.0.2", answer=declared) as liar:
        refused(lambda: ics_feed_busy(liar.url, START, END, policy=ALLOW_2), sources.TOO_LARGE, 2)

    bomb = gzip.compress(b"A" * (limit + 1024 * 1024))  # about 11 kB that unpack to 11 MiB

    def compressed(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    with Listener("127.0.0.2", answer=compressed) as zipped:
        refused(lambda: ics_feed_busy(zipped.url, START, END, policy=ALLOW_2), sources.TOO_LARGE)


def _trickle(head: bytes):
    """Send head, then one byte every 0.1 s: each read is quick, the whole answer never ends."""

    def answer(handler) -> None:
        try:
            handler.wfile.write(head)
            for _ in range(300):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    return answer


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n",  # a slow body
        b"HTTP/1.1 200 OK\r\nX-Slow: ",  # slow headers
    ],
    ids=["body", "headers"],
)
def test_a_slow_server_is_cut_off_by_the_time_cap(head):
    with Listener("127.0.0.2", answer=_trickle(head)) as slow:
        started = time.monotonic()
        refused(lambda: ics_feed_busy(slow.url, START, END, 1, policy=ALLOW_2), sources.TIMEOUT)
        refused(
            lambda: caldav_busy(f"{slow.url}/cal/", "a", "b", START, END, 1, policy=ALLOW_2),
            sources.TIMEOUT,
        )
        assert time.monotonic() - started < 4  # two conversations of at most 1 s each, and slack


# ---------------------------------------------------------------- TLS keeps the host name


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and server certificates for calendar.test and other.test, as PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.now(UTC)

    def certificate(name: str, issuer_key, issuer_name, key, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False
            )
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CPCE test CA")])
    ca = certificate("CPCE test CA", ca_key, ca_name, ca_key, True)
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files = {"ca": str(folder / "ca.pem")}
    for name in ("calendar.test", "other.test"):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = certificate(name, ca_key, ca_name, key, False)
        path = folder / f"{name}.pem"
        path.write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        files[name] = str(path)
    return files


@pytest.mark.parametrize("served", ["calendar.test", "other.test"])
def test_tls_checks_the_certificate_of_the_host_name_not_of_the_address(certificates, served):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates[served])
    with Listener("127.0.0.2", tls=context) as server:
        policy = Policy.parse("127.0.0.2", lookup=Resolver("127.0.0.2"))
        url = f"https://calendar.test:{server.port}/feed.ics"
        with guard.session(policy, 5) as http:
            if served == "calendar.test":
                response = http.get(url, verify=certificates["ca"])
                assert response.status_code == 200 and response.content.startswith(b"BEGIN")
            else:
                with pytest.raises(niquests.exceptions.SSLError):
                    http.get(url, verify=certificates["ca"])


def _event(uid: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CPCE tests//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250310T090000Z\r\n"
        "DTEND:20250310T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
