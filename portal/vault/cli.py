"""`flask vault status` and `flask vault rotate`."""

from typing import NoReturn

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.vault.keys import ENV_VARIABLE, VaultError
from portal.vault.rotation import rotate, status


@click.group("vault")
def vault_group():
    """Secret vault commands: key status and rotation."""


def _fail(action: str, error: VaultError) -> NoReturn:
    click.echo(f"vault {action} failed: {error}", err=True)
    raise SystemExit(1)


@vault_group.command("status")
@with_appcontext
def status_command():
    """Show the key ids, which one is current, and how many secrets each one encrypts."""
    try:
        report = status(db.session)
    except VaultError as error:
        _fail("status", error)
    click.echo(f"vault keys from {report.source}:")
    for usage in report.keys:
        if usage.position is None:
            label = "MISSING"
        else:
            label = "current" if usage.position == 1 else f"old #{usage.position}"
        click.echo(f"  {usage.key_id}  {label:<8}  {usage.secrets} secret(s)")
    click.echo(f"{report.total} secret(s) in total")
    if report.missing:
        ids = ", ".join(usage.key_id for usage in report.missing)
        click.echo(f"secrets under key(s) {ids} cannot be revealed: the key is missing", err=True)
        raise SystemExit(1)


@vault_group.command("rotate")
@click.option(
    "--reencrypt-only",
    is_flag=True,
    help="Generate no key: re-encrypt every secret under the current (first) key.",
)
@click.option(
    "--drop-unused", is_flag=True, help="Then remove old keys no secret uses from the key file."
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Secrets re-encrypted per transaction.",
)
@with_appcontext
def rotate_command(reencrypt_only: bool, drop_unused: bool, batch_size: int):
    """Make a new key current and re-encrypt every secret under it; run again to resume."""

    def report_progress(done: int, total: int) -> None:
        click.echo(f"re-encrypted {done} of {total}")

    try:
        report = rotate(
            db.session,
            batch_size,
            reencrypt_only=reencrypt_only,
            drop_unused=drop_unused,
            progress=report_progress,
        )
    except VaultError as error:
        _fail("rotate", error)
    if report.new_key_id:
        click.echo(f"new key {report.new_key_id} is now current in {report.source}")
    click.echo(
        f"{report.reencrypted} secret(s) re-encrypted; every secret uses key "
        f"{report.current_key_id}"
    )
    if report.dropped_key_ids:
        click.echo(f"removed unused key(s) {', '.join(report.dropped_key_ids)}")
    if report.unused_key_ids:
        ids = ", ".join(report.unused_key_ids)
        if report.source == ENV_VARIABLE:
            hint = f"remove them from {ENV_VARIABLE} (`flask vault status` shows their positions)"
        else:
            hint = "`flask vault rotate --reencrypt-only --drop-unused` removes them"
        click.echo(f"no secret uses key(s) {ids} any more: {hint}")
