"""Secret customer links: exchanged for a cookie, redirected away, expiring and revocable."""

import secrets
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import CustomerLink, utcnow
from portal.services.links import hash_token
from tests.conftest import make_world, running_app
from tests.helpers import accept, place


def tokens(session, world):
    acceptance = accept(session, world, place(session, world))
    return acceptance.tokens


def link_for(session, token) -> CustomerLink:
    return session.scalar(select(CustomerLink).where(CustomerLink.token_hash == hash_token(token)))


def test_token_is_exchanged_for_a_session_and_leaves_the_url(client, session, world):
    token = tokens(session, world)["technical"]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    response = client.get(f"/r/{token}")
    assert response.status_code == 303
    assert response.location == "/customer"
    assert token not in response.location
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/customer")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "ACME GmbH" in body and "Technischer Fragebogen" in body
    assert token not in body
    assert link_for(session, token).last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(session, world):
    token = tokens(session, world)["business"]
    stored = session.scalars(select(CustomerLink.token_hash)).all()
    assert hash_token(token) in stored and token not in stored


def test_customer_page_needs_a_link(client, app):
    assert client.get("/customer").status_code == 403


def test_unknown_token_is_404(client, session, world):
    tokens(session, world)
    assert client.get("/r/not-a-real-token").status_code == 404


def test_expired_link_is_refused_and_drops_out_of_the_session(client, session, world):
    token = tokens(session, world)["technical"]
    assert client.get(f"/r/{token}").status_code == 303
    link_for(session, token).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get("/customer").status_code == 403
    response = client.get(f"/r/{token}")
    assert response.status_code == 410
    assert "abgelaufen" in response.get_data(as_text=True)


def test_revoked_link_is_refused(client, session, world):
    token = tokens(session, world)["business"]
    link_for(session, token).revoked_at = utcnow()
    session.commit()
    response = client.get(f"/r/{token}")
    assert response.status_code == 410
    assert "zurückgezogen" in response.get_data(as_text=True)


def test_customer_sees_nothing_internal(client, session, world):
    token = tokens(session, world)["technical"]
    body = client.get(f"/r/{token}", follow_redirects=True).get_data(as_text=True)
    for internal in ("Lizenz", world.lead.email, "Abmelden", "Übersicht", "Auftragsannahme"):
        assert internal not in body


def test_a_burst_of_guessed_tokens_gets_429_per_client_address(tmp_path):
    """/r/ and /o/ share one budget per address (LINK_LIMIT, 20 per minute by default)."""
    with running_app(tmp_path, RATELIMIT_ENABLED=True) as app:
        world = make_world(db.session)
        real = tokens(db.session, world)["technical"]
        guesser = app.test_client()
        codes = [
            guesser.get(f"/{kind}/{secrets.token_urlsafe(32)}").status_code
            for _ in range(25)
            for kind in ("r", "o")
        ]
        assert codes == [404] * 20 + [429] * 30
        refused = guesser.get(f"/r/{real}")
        assert refused.status_code == 429  # guessing stops even at a valid token
        assert "Zu viele Versuche" in refused.get_data(as_text=True)
        assert link_for(db.session, real).last_used_at is None
        # Another address still opens its link.
        customer = app.test_client()
        assert (
            customer.get(f"/r/{real}", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 303
        )
