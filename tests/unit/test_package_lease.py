"""When a pending package needs a builder again: a plain rule on its request and lease times."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.models import DocumentPackage
from portal.models.package import FAILED, PENDING, READY
from portal.services.packages.lease import START_GRACE_SECONDS, stalled

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LEASE = 300


def package(status=PENDING, requested=0, claimed=None) -> DocumentPackage:
    """A package requested `requested` seconds ago, claimed `claimed` seconds ago (or never)."""
    return DocumentPackage(
        status=status,
        requested_at=NOW - timedelta(seconds=requested),
        claimed_at=None if claimed is None else NOW - timedelta(seconds=claimed),
    )


@pytest.mark.parametrize(
    ("requested", "claimed", "expected"),
    [
        (START_GRACE_SECONDS, None, False),  # its thread may still start
        (START_GRACE_SECONDS + 1, None, True),  # its thread never started
        (600, LEASE, False),  # the builder renewed its lease just in time
        (600, LEASE + 1, True),  # the builder stopped renewing its lease
    ],
)
def test_a_pending_package_stalls_when_no_builder_starts_or_renews(requested, claimed, expected):
    assert stalled(package(requested=requested, claimed=claimed), NOW, LEASE) is expected


@pytest.mark.parametrize("status", [READY, FAILED])
def test_a_finished_package_never_stalls(status):
    assert not stalled(package(status, requested=3600, claimed=3600), NOW, LEASE)
