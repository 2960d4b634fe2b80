"""License files: signed on acceptance, verified by `flask license verify`, changes detected."""

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.helpers import accept, place


def write_license(tmp_path, session, world, deployment="on_premises"):
    acceptance = accept(session, world, place(session, world, deployment=deployment))
    path = tmp_path / "license.json"
    path.write_text(acceptance.license.document, encoding="utf-8")
    return path


def test_license_content_and_term(tmp_path, session, world):
    path = write_license(tmp_path, session, world)
    payload = json.loads(path.read_text())["license"]
    assert payload["customer"] == "ACME GmbH"
    assert payload["short_code"] == "ACME"
    assert payload["license_model"] == "rent"
    assert payload["deployment"] == "on_premises"
    assert payload["term_months"] == 12
    issued, until = payload["issued_on"], payload["valid_until"]
    assert int(until[:4]) == int(issued[:4]) + 1 and until[4:] <= issued[4:]


def test_verify_accepts_the_issued_file(tmp_path, runner, session, world):
    path = write_license(tmp_path, session, world)
    result = runner.invoke(args=["license", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid license for ACME GmbH (ACME)" in result.output


def test_verify_detects_a_changed_file(tmp_path, runner, session, world):
    path = write_license(tmp_path, session, world)
    document = json.loads(path.read_text())
    document["license"]["license_model"] = "purchase"
    document["license"]["valid_until"] = None
    path.write_text(json.dumps(document))
    result = runner.invoke(args=["license", "verify", str(path)])
    assert result.exit_code == 1
    assert "INVALID" in result.output and "changed" in result.output


def test_verify_refuses_a_file_signed_with_another_key(tmp_path, runner, session, world):
    path = write_license(tmp_path, session, world)
    other = Ed25519PrivateKey.generate().public_key()
    pem = tmp_path / "other.pem"
    pem.write_bytes(
        other.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    result = runner.invoke(args=["license", "verify", str(path), "--public-key", str(pem)])
    assert result.exit_code == 1
    assert "another key" in result.output


def test_verify_with_the_exported_public_key(tmp_path, runner, session, world):
    path = write_license(tmp_path, session, world)
    exported = runner.invoke(args=["license", "public-key"])
    pem = tmp_path / "public.pem"
    pem.write_text(exported.output)
    result = runner.invoke(args=["license", "verify", str(path), "--public-key", str(pem)])
    assert result.exit_code == 0, result.output


def test_garbage_is_not_a_license(tmp_path, runner, app):
    path = tmp_path / "junk.json"
    path.write_text("{not json")
    result = runner.invoke(args=["license", "verify", str(path)])
    assert result.exit_code == 1
    assert "not a license file" in result.output
