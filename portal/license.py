"""License files: JSON signed with Ed25519, verifiable offline with the public key."""

import base64
import hashlib
import json
import os
from pathlib import Path

import click
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from flask.cli import with_appcontext

FORMAT = "cpce-license/1"


class InvalidLicense(Exception):
    """The license file is malformed, was changed, or was signed with another key."""


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint of the public key, written into every license."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signing_key() -> Ed25519PrivateKey:
    """Load the signing key from LICENSE_KEY_FILE, creating it on first use outside production."""
    production = current_app.config.get("ENV_NAME") == "production"
    return key_from_file(Path(current_app.config["LICENSE_KEY_FILE"]), production)


def key_from_file(path: Path, production: bool) -> Ed25519PrivateKey:
    """Load an Ed25519 private key (PEM) from `path`; outside production create it when missing."""
    if not path.exists():
        if production:
            raise RuntimeError(f"signing key {path} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # O_EXCL: two processes starting at once must not overwrite each other's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key")
    return key


def sign(payload: dict, key: Ed25519PrivateKey) -> str:
    """Return the license file text for this payload."""
    signature = key.sign(_canonical(payload))
    document = {
        "format": FORMAT,
        "license": payload,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(signature).decode(),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def verify(text: str, public_key: Ed25519PublicKey) -> dict:
    """Return the payload of a valid license file; raise InvalidLicense otherwise."""
    try:
        document = json.loads(text)
        payload = document["license"]
        signature = base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidLicense(f"not a license file: {error}") from error
    if document.get("format") != FORMAT:
        raise InvalidLicense("unknown license format")
    if document.get("key_id") != key_id(public_key):
        raise InvalidLicense("signed with another key")
    try:
        public_key.verify(signature, _canonical(payload))
    except InvalidSignature as error:
        raise InvalidLicense("signature does not match: the file was changed") from error
    return payload


@click.group("license")
def license_group():
    """License commands."""


@license_group.command("verify")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--public-key", type=click.File("rb"), help="PEM public key (default: the portal's)")
@with_appcontext
def verify_command(file, public_key):
    """Check a license file's signature; exit 1 if it is not valid."""
    if public_key is not None:
        key = serialization.load_pem_public_key(public_key.read())
    else:
        key = signing_key().public_key()
    try:
        payload = verify(file.read(), key)
    except InvalidLicense as error:
        click.echo(f"INVALID: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(
        f"valid license for {payload['customer']} ({payload['short_code']}), "
        f"{payload['license_model']}, {payload['deployment']}, issued {payload['issued_on']}"
    )


@license_group.command("public-key")
@with_appcontext
def public_key_command():
    """Print the public key that verifies the portal's licenses (PEM)."""
    pem = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    click.echo(pem.decode(), nl=False)
