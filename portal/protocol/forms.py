"""Reading the protocol editor and the contacts confirmation from the submitted form.

The rows (open points, agreed services, contacts) are as many as the page has, so the fields
come as parallel lists rather than a fixed WTForms class; what each value must be is checked
once, by the use case (portal.services.protocol), which names the field of every error.
"""

from werkzeug.datastructures import MultiDict

BLANK_POINT = {"text": "", "owner": "", "due": ""}
BLANK_SERVICE = {"service_item_id": "", "quantity": ""}


def version(form: MultiDict) -> int | None:
    """The protocol version the editor loaded (None for a protocol not yet saved)."""
    return form.get("version", type=int)


def contact_entries(form: MultiDict) -> list[dict]:
    """The contacts form as the service takes it: one entry per contact id posted."""
    return [
        {
            "id": cid,
            "role": form.get(f"contact-{cid}-role", ""),
            "email": form.get(f"contact-{cid}-email", ""),
            "phone": form.get(f"contact-{cid}-phone", ""),
            "attended": form.get(f"contact-{cid}-attended") == "1",
        }
        for cid in (int(v) for v in form.getlist("contact") if v.isdigit())
    ]


CONTACT_FIELDS = ("name", "email", "role", "phone", "language")


def adopted_entries(form: MultiDict) -> list[dict]:
    """The people checked under "Aus den Fragebögen", each with the values as (re)typed."""
    return [
        {"key": key, **{f: form.get(f"{key}-{f}", "") for f in CONTACT_FIELDS}}
        for key in dict.fromkeys(form.getlist("adopt"))
        if key.startswith("candidate-") and key[len("candidate-") :].isdigit()
    ]


def new_contact(form: MultiDict) -> dict:
    """The contact the lead adds by hand."""
    return {f: form.get(f"new-{f}", "") for f in CONTACT_FIELDS}


def protocol_fields(form: MultiDict) -> dict:
    """The protocol editor's fields; rows come as parallel lists, one entry per row."""
    points = zip(
        form.getlist("point_text"),
        form.getlist("point_owner"),
        form.getlist("point_due"),
        strict=False,
    )
    services = zip(form.getlist("service_item"), form.getlist("service_quantity"), strict=False)
    return {
        "held_on": form.get("held_on", ""),
        "attendees": form.getlist("attendee"),
        "topics": form.get("topics", ""),
        "decisions": form.get("decisions", ""),
        "open_points": [{"text": t, "owner": o, "due": d} for t, o, d in points],
        "services": [{"service_item_id": s, "quantity": q} for s, q in services],
    }


def change_rows(fields: dict, action: str) -> str:
    """Add or remove a row for a browser without JavaScript; returns the id to focus."""
    kind, _sep, index = action.partition(":")
    key, blank, first = (
        ("open_points", BLANK_POINT, "point-{}-text")
        if kind.endswith("point")
        else ("services", BLANK_SERVICE, "service-{}-item")
    )
    rows = fields[key]
    if kind.startswith("add"):
        rows.append(dict(blank))
        return first.format(len(rows) - 1)
    if index.isdigit() and int(index) < len(rows):
        rows.pop(int(index))
    return "add-point" if key == "open_points" else "add-service"
