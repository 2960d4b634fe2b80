"""Formats: public IP addresses and networks, host names; unknown formats are refused at load()."""

import pytest

import forms_schema
from forms_schema import SchemaError


@pytest.fixture(scope="module")
def q():
    return forms_schema.load(
        {
            "properties": {
                "address": {"type": "string", "format": "public-ip-network"},
                "proxy": {"type": "string", "format": "host"},
                "sites": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "address": {"type": "string", "format": "public-ip-network"}
                        },
                    },
                },
            }
        }
    )


def keywords(q, **data):
    return [(e.pointer, e.keyword) for e in q.validate(data, partial=True)]


@pytest.mark.parametrize(
    "value",
    [
        "80.156.12.10",
        "80.156.12.0/28",
        "8.8.8.8/32",
        "8.0.0.0/7",  # big, but every address in it is public
        "2a00:1450:4001::/48",
        "2a00:1450:4001:82a::200e",
    ],
)
def test_public_addresses_and_networks_pass(q, value):
    assert keywords(q, address=value) == []


@pytest.mark.parametrize(
    "value",
    [
        "192.168.1.1",  # the address of the issue
        "10.1.2.3",
        "172.16.0.0/12",
        "172.31.255.1",
        "127.0.0.1",
        "169.254.10.1",
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0/0",  # everything, including every private network
        "8.0.0.0/5",  # covers 10.0.0.0/8 although both of its ends are public
        "203.0.113.10",  # documentation
        "198.51.100.0/24",
        "224.0.0.1",  # multicast
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fd12:3456::/48",  # unique local
        "ff02::1",
        "::ffff:8.8.8.8",  # IPv4-mapped
        "2001:db8::/32",
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    ],
)
def test_internal_and_reserved_ranges_are_refused_in_both_languages(q, value):
    [error] = q.validate({"address": value}, partial=True)
    assert error.pointer == "/address" and error.keyword == "format"
    assert error.message.startswith("Bitte nur öffentliche Adressen angeben")
    [english] = q.validate({"address": value}, partial=True, locale="en")
    assert english.message.startswith("Please enter public addresses only")


@pytest.mark.parametrize(
    "value",
    ["80.156.12", "80.156.12.256", "80.156.12.0/33", "80.156.12.0/255.255.255.0", "host.example",
     "010.1.1.1", " 8.8.8.8", "8.8.8.8/", "[2a00:1450::1]", "2a00:1450::1/129"],
)  # fmt: skip
def test_malformed_addresses_get_the_syntax_message(q, value):
    [error] = q.validate({"address": value}, partial=True)
    assert error.message == (
        "Bitte eine IPv4- oder IPv6-Adresse angeben, optional als Netz mit /Präfixlänge."
    )


def test_a_network_with_host_bits_names_its_first_address(q):
    [error] = q.validate({"address": "80.156.12.5/28"}, partial=True)
    assert (
        error.message == "Ein Netz beginnt mit seiner ersten Adresse: bitte 80.156.12.0/28 angeben."
    )
    [english] = q.validate({"sites": [{"address": "2a00:1450:4001::1/48"}]}, locale="en")
    assert english.pointer == "/sites/0/address"
    assert english.message == (
        "A network starts with its first address: please enter 2a00:1450:4001::/48."
    )


@pytest.mark.parametrize(
    "value", ["proxy", "proxy.corp.example.com", "proxy-01.example.de", "10.0.0.8", "fd00::8"]
)
def test_hosts_are_names_or_addresses(q, value):
    assert keywords(q, proxy=value) == []


@pytest.mark.parametrize(
    "value",
    ["http://proxy", "proxy:8080", "proxy.example.com/", "-proxy", "proxy-.example", "a..b",
     "300.1.1.1", "12345", "proxy example", "[fd00::8]", "x" * 64 + ".example"],
)  # fmt: skip
def test_urls_ports_and_broken_names_are_no_hosts(q, value):
    [error] = q.validate({"proxy": value}, partial=True, locale="en")
    assert error.message == (
        "Please enter a host name or an IP address, without http:// and without port."
    )


def test_an_unknown_format_is_refused_at_load_instead_of_passing_everything():
    with pytest.raises(SchemaError) as caught:
        forms_schema.load({"properties": {"ip": {"type": "string", "format": "public-ip"}}})
    assert caught.value.pointer == "/properties/ip/format"
    with pytest.raises(SchemaError) as caught:
        forms_schema.load(
            {
                "$defs": {"port": {"type": "string", "format": "port"}},
                "properties": {"p": {"$ref": "#/$defs/port"}},
            }
        )
    assert caught.value.pointer == "/$defs/port/format"


def test_the_format_message_can_be_replaced_per_question():
    q = forms_schema.load(
        {
            "properties": {
                "ip": {
                    "type": "string",
                    "format": "public-ip-network",
                    "x-ui": {"errors": {"format": {"de": "Öffentlich!", "en": "Public!"}}},
                }
            }
        }
    )
    assert q.validate({"ip": "10.0.0.1"}, locale="en")[0].message == "Public!"
