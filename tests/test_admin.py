"""Admin pages and `flask users`: only admins get in, bad input changes nothing, changes are audited."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from portal.models import AuditEvent, Organisation, OrgKind, Role, ServiceItem, User
from tests.conftest import PASSWORD, login
from tests.helpers import catalogue

NON_ADMINS = ["partner", "other_partner", "backoffice", "lead", "architect", "technician"]
NEW_PASSWORD = "a brand new passphrase"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def admin_requests(app, world, items) -> list[tuple[str, str]]:
    """(method, url) of every admin page, found in the URL map, with real ids filled in."""
    ids = {"user_id": world.partner.id, "item_id": items["TRAINING"].id}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            args = {name: ids.get(name, 1) for name in rule.arguments}
            url = rule.build(args)[1]
            found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def error_at(response, field: str, message: str) -> bool:
    """Whether the page shows this message right at the input of this field."""
    return f'<p class="error-message" id="{field}-error">{message}</p>' in response.get_data(
        as_text=True
    )


@pytest.fixture
def items(session):
    return catalogue(session)


@pytest.fixture
def admin(client, world):
    """The client, signed in as admin."""
    login(client, world.admin)
    return client


# --- who gets in -------------------------------------------------------------------------


def test_every_admin_page_is_found(app, world, items):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {
        "admin.users",
        "admin.user_new",
        "admin.user_edit",
        "admin.user_active",
        "admin.user_password",
        "admin.organisations",
        "admin.organisation_new",
        "admin.catalogue",
        "admin.catalogue_new",
        "admin.catalogue_edit",
        "admin.catalogue_active",
    } <= endpoints
    assert len(admin_requests(app, world, items)) >= 16


@pytest.mark.parametrize("role", NON_ADMINS)
def test_admin_pages_are_forbidden_for_every_other_role(app, client, session, world, items, role):
    login(client, world.users[role])
    before = count(session, AuditEvent), count(session, User)
    for method, url in admin_requests(app, world, items):
        response = client.open(url, method=method, data={"active": "0", "name": "X"})
        assert response.status_code == 403, (method, url)
    assert (count(session, AuditEvent), count(session, User)) == before
    assert session.get(User, world.partner.id).active


def test_admin_pages_send_anonymous_users_to_login(app, client, world, items):
    for method, url in admin_requests(app, world, items):
        response = client.open(url, method=method, data={"active": "0"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login?next="), (method, url)


def test_admin_sees_the_pages_and_the_sub_navigation(admin, world, items):
    for url in (
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{world.partner.id}/edit",
        f"/admin/users/{world.partner.id}/password",
        "/admin/organisations",
        "/admin/organisations/new",
        "/admin/catalogue",
        "/admin/catalogue/new",
        f"/admin/catalogue/{items['TRAINING'].id}/edit",
    ):
        response = admin.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        for link in ("/admin/users", "/admin/organisations", "/admin/catalogue"):
            assert f'href="{link}"' in page
        assert 'href="/admin/outbox' in page
        assert 'href="/admin/audit' in page


# --- users -------------------------------------------------------------------------------


def test_users_list_shows_every_user_with_role_and_organisation(admin, world):
    page = admin.get("/admin/users").get_data(as_text=True)
    for user in world.users.values():
        assert user.email in page
    assert "Partner-Mitarbeiter" in page
    assert "Other Partner" in page


def new_user(world, **changes) -> dict:
    data = {
        "name": "Nora Neu",
        "email": "nora@cp.example",
        "organisation": world.partner_org.id,
        "role": Role.PARTNER_STAFF,
        "language": "en",
        "password": NEW_PASSWORD,
    }
    return data | changes


def test_admin_creates_a_user_who_can_sign_in(app, admin, session, world):
    response = admin.post("/admin/users/new", data=new_user(world))
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.email == "nora@cp.example"))
    assert (user.name, user.role, user.organisation_id, user.language) == (
        "Nora Neu",
        "partner_staff",
        world.partner_org.id,
        "en",
    )
    assert user.password_hash != NEW_PASSWORD
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    [event] = events(session, "user.create")
    assert (event.actor_id, event.object_id) == (world.admin.id, str(user.id))
    login(app.test_client(), user, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("changes", "field", "message", "status"),
    [
        ({"email": "ANNA@cp.example"}, "email", "Diese E-Mail-Adresse ist vergeben.", 409),
        ({"email": "nora.cp.example"}, "email", "Ungültige E-Mail-Adresse.", 400),
        ({"email": "nora @cp.example"}, "email", "Ungültige E-Mail-Adresse.", 400),
        ({"password": "short"}, "password", "Mindestens 12 Zeichen.", 400),
        ({"name": "   "}, "name", "Bitte einen Namen angeben.", 400),
        ({"role": Role.ADMIN}, "role", "Diese Rolle gibt es nur beim Hersteller.", 400),
        ({"organisation": "VENDOR"}, "role", "Diese Rolle gibt es nur bei Partnern.", 400),
    ],
)
def test_bad_new_user_is_refused_at_the_field(
    admin, session, world, changes, field, message, status
):
    if changes.get("organisation") == "VENDOR":
        changes = changes | {"organisation": world.vendor_org.id}
    users, audit = count(session, User), count(session, AuditEvent)
    response = admin.post("/admin/users/new", data=new_user(world, **changes))
    assert response.status_code == status
    assert error_at(response, field, message)
    assert f'href="#{field}"' in response.get_data(as_text=True)
    assert (count(session, User), count(session, AuditEvent)) == (users, audit)


def test_admin_edits_name_role_and_language(admin, session, world):
    response = admin.post(
        f"/admin/users/{world.lead.id}/edit",
        data={"name": "Leonie Lead", "role": Role.IT_ARCHITECT, "language": "en"},
    )
    assert response.status_code == 302
    lead = session.get(User, world.lead.id)
    assert (lead.name, lead.role, lead.language) == ("Leonie Lead", "it_architect", "en")
    [event] = events(session, "user.update")
    assert event.actor_id == world.admin.id
    assert event.payload == {"name": "Leonie Lead", "role": "it_architect", "language": "en"}


def test_edit_refuses_a_role_outside_the_organisation_kind(admin, session, world):
    response = admin.post(
        f"/admin/users/{world.partner.id}/edit",
        data={"name": "Anna", "role": Role.PROJECT_LEAD, "language": "de"},
    )
    assert response.status_code == 400
    assert error_at(response, "role", "Diese Rolle gibt es nur beim Hersteller.")
    assert session.get(User, world.partner.id).role == Role.PARTNER_STAFF
    assert events(session, "user.update") == []


def test_admin_cannot_take_away_their_own_admin_role(admin, session, world):
    response = admin.post(
        f"/admin/users/{world.admin.id}/edit",
        data={"name": "Ada", "role": Role.TECHNICIAN, "language": "de"},
    )
    assert response.status_code == 409
    assert error_at(response, "role", "Die eigene Administratorrolle bleibt.")
    assert session.get(User, world.admin.id).role == Role.ADMIN


def test_admin_deactivates_and_reactivates_a_user(admin, session, world):
    response = admin.post(f"/admin/users/{world.partner.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert not session.get(User, world.partner.id).active
    assert "deaktiviert" in admin.get("/admin/users").get_data(as_text=True)

    admin.post(f"/admin/users/{world.partner.id}/active", data={"active": "1"})
    assert session.get(User, world.partner.id).active
    assert [e.actor_id for e in events(session, "user.deactivate")] == [world.admin.id]
    assert [e.actor_id for e in events(session, "user.activate")] == [world.admin.id]


def test_admin_cannot_deactivate_themself(admin, session, world):
    response = admin.post(f"/admin/users/{world.admin.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert session.get(User, world.admin.id).active
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Sie können sich nicht selbst deaktivieren." in page
    assert events(session, "user.deactivate") == []


def test_unknown_user_is_404(admin):
    assert admin.get("/admin/users/9999/edit").status_code == 404
    assert admin.post("/admin/users/9999/active", data={"active": "0"}).status_code == 404


def test_admin_sets_a_password_and_the_old_one_stops_working(app, admin, session, world):
    other = app.test_client()
    login(other, world.partner)
    response = admin.post(
        f"/admin/users/{world.partner.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert other.get("/").status_code == 302  # the user's open session ended
    fresh = app.test_client()
    old = fresh.post("/login", data={"email": world.partner.email, "password": PASSWORD})
    assert old.status_code == 200
    login(fresh, world.partner, NEW_PASSWORD)
    assert [e.object_id for e in events(session, "user.password")] == [str(world.partner.id)]


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("short", "short", "password", "Mindestens 12 Zeichen."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "confirm", "Die Passwörter stimmen nicht überein."),
    ],
)
def test_bad_password_is_refused(admin, session, world, password, confirm, field, message):
    hash_before = session.get(User, world.partner.id).password_hash
    response = admin.post(
        f"/admin/users/{world.partner.id}/password", data={"password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    assert error_at(response, field, message)
    assert session.get(User, world.partner.id).password_hash == hash_before
    assert events(session, "user.password") == []


# --- organisations -----------------------------------------------------------------------


def test_admin_creates_a_partner(admin, session, world):
    response = admin.post(
        "/admin/organisations/new", data={"name": "Neo Partner", "kind": "partner"}
    )
    assert response.status_code == 302
    organisation = session.scalar(select(Organisation).where(Organisation.name == "Neo Partner"))
    assert organisation.kind == OrgKind.PARTNER
    [event] = events(session, "organisation.create")
    assert (event.actor_id, event.object_id) == (world.admin.id, str(organisation.id))
    assert "Neo Partner" in admin.get("/admin/organisations").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "CP", "kind": "partner"}, "name", "Diesen Namen gibt es schon."),
        ({"name": "Second Vendor", "kind": "vendor"}, "kind", "Es gibt nur einen Hersteller."),
        ({"name": "  ", "kind": "partner"}, "name", "Bitte einen Namen angeben."),
    ],
)
def test_bad_organisation_is_refused_at_the_field(admin, session, world, data, field, message):
    before = count(session, Organisation)
    response = admin.post("/admin/organisations/new", data=data)
    assert response.status_code in (400, 409)
    assert error_at(response, field, message)
    assert count(session, Organisation) == before
    assert events(session, "organisation.create") == []


# --- service catalogue -------------------------------------------------------------------


def item_data(**changes) -> dict:
    data = {
        "code": "setup",
        "name_de": "Einrichtung",
        "name_en": "Setup",
        "unit": "pauschal",
        "unit_price": "4.800,00",
        "is_installation_fee": "y",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def fee_items(session) -> list[str]:
    query = select(ServiceItem.code).where(ServiceItem.is_installation_fee, ServiceItem.active)
    return list(session.scalars(query))


def test_first_catalogue_item_must_be_the_installation_fee(admin, session, world):
    response = admin.post("/admin/catalogue/new", data=item_data(is_installation_fee=None))
    assert response.status_code == 409
    assert error_at(
        response, "is_installation_fee", "Die erste Leistung muss die Installationspauschale sein."
    )
    assert count(session, ServiceItem) == 0

    assert admin.post("/admin/catalogue/new", data=item_data()).status_code == 302
    item = session.scalar(select(ServiceItem))
    assert (item.code, item.unit_price, item.is_installation_fee) == (
        "SETUP",
        Decimal("4800"),
        True,
    )
    [event] = events(session, "service_item.create")
    assert event.actor_id == world.admin.id
    assert event.payload["unit_price"] == "4800.00"


def test_flagging_a_new_installation_fee_takes_the_flag_from_the_old_one(admin, session, items):
    response = admin.post("/admin/catalogue/new", data=item_data(code="INSTALL-2025"))
    assert response.status_code == 302
    assert fee_items(session) == ["INSTALL-2025"]
    assert not session.get(ServiceItem, items["INSTALL"].id).is_installation_fee
    [moved] = events(session, "service_item.update")
    assert (moved.object_id, moved.payload) == (
        str(items["INSTALL"].id),
        {"is_installation_fee": False},
    )

    training = items["TRAINING"].id
    admin.post(f"/admin/catalogue/{training}/edit", data=item_data(code=None, unit_price="900"))
    assert fee_items(session) == ["TRAINING"]


def test_the_installation_fee_cannot_be_unflagged_or_deactivated(admin, session, items):
    fee = items["INSTALL"].id
    response = admin.post(
        f"/admin/catalogue/{fee}/edit", data=item_data(code=None, is_installation_fee=None)
    )
    assert response.status_code == 409
    assert error_at(
        response,
        "is_installation_fee",
        "Markieren Sie stattdessen eine andere Leistung als Pauschale.",
    )
    response = admin.post(f"/admin/catalogue/{fee}/active", data={"active": "0"})
    assert response.status_code == 302
    assert "Die Installationspauschale bleibt aktiv" in admin.get("/admin/catalogue").get_data(
        as_text=True
    )
    assert fee_items(session) == ["INSTALL"]
    assert events(session, "service_item.update") == []
    assert events(session, "service_item.deactivate") == []


def test_admin_edits_and_deactivates_a_service_item(admin, session, world, items):
    training = items["TRAINING"].id
    response = admin.post(
        f"/admin/catalogue/{training}/edit",
        data=item_data(
            code="IGNORED",
            name_de="Schulung",
            name_en="Training",
            unit="Tag",
            unit_price="1.350,50",
            is_installation_fee=None,
        ),
    )
    assert response.status_code == 302
    item = session.get(ServiceItem, training)
    assert (item.code, item.name_de, item.unit_price) == (
        "TRAINING",
        "Schulung",
        Decimal("1350.50"),
    )
    [event] = events(session, "service_item.update")
    assert event.payload == {"name_de": "Schulung", "name_en": "Training", "unit_price": "1350.50"}

    admin.post(f"/admin/catalogue/{training}/active", data={"active": "0"})
    assert not session.get(ServiceItem, training).active
    admin.post(f"/admin/catalogue/{training}/active", data={"active": "1"})
    assert session.get(ServiceItem, training).active
    assert [e.actor_id for e in events(session, "service_item.deactivate")] == [world.admin.id]
    assert len(events(session, "service_item.activate")) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"unit_price": "12.50"}, "unit_price", "Bitte einen Betrag wie 1.234,50 angeben."),
        ({"unit_price": "zwölf"}, "unit_price", "Bitte einen Betrag wie 1.234,50 angeben."),
        ({"unit_price": ""}, "unit_price", "Bitte einen Preis angeben."),
        (
            {"unit_price": "-1"},
            "unit_price",
            "Der Preis muss zwischen 0 und 9.999.999.999,99 € liegen.",
        ),
        ({"unit_price": "1,005"}, "unit_price", "Höchstens zwei Nachkommastellen."),
        ({"code": "TRAINING"}, "code", "Diesen Code gibt es schon."),
        ({"code": "two words"}, "code", "Nur A–Z, 0–9, - und _, bis 40 Zeichen."),
        ({"name_en": " "}, "name_en", "Bitte ausfüllen."),
        ({"unit": ""}, "unit", "Bitte ausfüllen."),
    ],
)
def test_bad_service_item_is_refused_at_the_field(admin, session, items, changes, field, message):
    before = count(session, ServiceItem)
    response = admin.post("/admin/catalogue/new", data=item_data(**({"code": "NEW"} | changes)))
    assert response.status_code in (400, 409)
    assert error_at(response, field, message)
    assert count(session, ServiceItem) == before
    assert fee_items(session) == ["INSTALL"]
    assert events(session, "service_item.create") == []


def test_prices_follow_the_interface_language(admin, session, items):
    admin.post("/language", data={"lang": "en"})
    response = admin.post("/admin/catalogue/new", data=item_data(code="EN", unit_price="1,234.50"))
    assert response.status_code == 302
    assert session.scalar(
        select(ServiceItem.unit_price).where(ServiceItem.code == "EN")
    ) == Decimal("1234.50")


# --- flask users ... ---------------------------------------------------------------------


def test_cli_creates_a_user_who_can_sign_in(app, runner, session, world):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "carl@saxess.example",
            "--name",
            "Carl CLI",
            "--role",
            "technician",
            "--organisation",
            "Saxess",
            "--language",
            "en",
        ],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # the prompt hides the input
    user = session.scalar(select(User).where(User.email == "carl@saxess.example"))
    assert (user.role, user.organisation_id, user.language) == (
        "technician",
        world.vendor_org.id,
        "en",
    )
    [event] = events(session, "user.create")
    assert (event.actor_id, event.actor_label) == (None, "system")
    login(app.test_client(), user, NEW_PASSWORD)


def cli_create(runner, **options):
    args = ["users", "create"]
    defaults = {"email": "carl@saxess.example", "name": "Carl", "role": "technician"}
    for key, value in (defaults | {"organisation": "Saxess"} | options).items():
        args += [f"--{key}", value]
    return runner.invoke(args=args + ["--password", NEW_PASSWORD])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "wizard"}, "Unbekannte Rolle."),
        ({"role": "partner_staff"}, "Diese Rolle gibt es nur bei Partnern."),
        ({"organisation": "Nowhere"}, "Organisation Nowhere gibt es nicht."),
        ({"email": "ANNA@cp.example", "organisation": "CP", "role": "partner_staff"}, "vergeben"),
        ({"language": "fr"}, "Unbekannte Sprache."),
    ],
)
def test_cli_refuses_bad_input_with_exit_code_1(runner, session, world, options, message):
    before = count(session, User)
    result = cli_create(runner, **options)
    assert result.exit_code == 1
    assert message in result.output
    assert count(session, User) == before


def test_cli_asks_for_a_matching_password_twice(runner, session, world):
    result = runner.invoke(
        args=["users", "create", "--email", "c@saxess.example", "--name", "C", "--role", "admin"]
        + ["--organisation", "Saxess"],
        input=f"{NEW_PASSWORD}\nsomething else\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(select(User).where(User.email == "c@saxess.example")) is not None


def test_cli_short_password_is_refused(runner, session, world):
    result = runner.invoke(
        args=["users", "create", "--email", "c@saxess.example", "--name", "C", "--role", "admin"]
        + ["--organisation", "Saxess", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "Mindestens 12 Zeichen." in result.output


def test_cli_lists_and_deactivates_users(app, runner, session, world):
    listing = runner.invoke(args=["users", "list"])
    assert listing.exit_code == 0
    for user in world.users.values():
        assert user.email in listing.output

    client = app.test_client()
    login(client, world.partner)
    result = runner.invoke(args=["users", "deactivate", "ANNA@cp.example"])
    assert result.exit_code == 0, result.output
    assert not session.get(User, world.partner.id).active
    assert client.get("/").status_code == 302
    [event] = events(session, "user.deactivate")
    assert event.actor_id is None

    unknown = runner.invoke(args=["users", "deactivate", "nobody@cp.example"])
    assert unknown.exit_code == 1
    assert "nobody@cp.example" in unknown.output
