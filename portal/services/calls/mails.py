"""The mails of step 3: invitations and cancellations with their calendar, and the link mails.

Each recipient gets one message in their language. Invitations carry the iCalendar (REQUEST or
CANCEL, RFC 6047) and are queued prebuilt; the questionnaire links and an offer of times carry
fresh customer links (portal.services.links). Everything goes through the outbox, delivered by
the worker.
"""

from flask import current_app, render_template
from flask_babel import force_locale

from portal import mail
from portal.calendar import invite
from portal.models import OutboxMessage, utcnow
from portal.services import links
from portal.services.call_invitation import Attendance, invitation
from portal.services.calls import answers


def send_invitations(
    session, order, call, recipients, method, template, *, took_place: bool = False
) -> list[OutboxMessage]:
    """One email per recipient in their language; the calendar lists every recipient.

    took_place: the change moves the call to when it really happened (the mail says so)."""
    calendar = invite.calendar(
        invitation(order, call, recipients, cancelled=method == "CANCEL"), method
    )
    rows = []
    for person in recipients:
        hidden = mail.Secrets()
        participant = _participant(call, person) if method == "REQUEST" else None
        with force_locale(person.language):
            context = {
                "order": order,
                "call": call,
                "person": person,
                "people": recipients,
                "took_place": took_place,
                # The personal answer links; a move mints new ones, the old ones stop working.
                # A call moved to when it really took place asks nobody to answer any more.
                "answer_urls": (
                    answers.mint(participant, hidden) if participant and not took_place else None
                ),
            }
            subject = render_template(f"mail/{template}.subject.txt", **context).strip()
            text = render_template(f"mail/{template}.txt", **context)
            html = render_template(f"mail/{template}.html", **context)
        message = invite.invitation_email(
            sender=current_app.config["MAIL_FROM"],
            to=[person.email],
            subject=subject,
            text=text,
            html=html,
            ics=calendar,
            method=method,
        )
        rows.append(mail.queue_prebuilt(session, message, hidden))
    return rows


def _participant(call, person: Attendance):
    """The call's participant row of an invited person (None if they are not on the call)."""
    for participant in call.participants:
        if (person.user and participant.user_id == person.user.id) or (
            person.contact and participant.contact_id == person.contact.id
        ):
            return participant
    return None


def send_links(session, order, contacts: list[Attendance]) -> list[OutboxMessage]:
    """The seed: CP sends the customer the links to the questionnaires; each person gets their own,
    which replace the links they had before."""
    if not contacts:
        return []
    issued = links.issue_all(session, order, utcnow())
    return [
        issued.mail_to(session, person, "questionnaire_links", order=order, person=person)
        for person in contacts
    ]


def send_offer(session, order, contacts: list[Attendance], offer, moments) -> None:
    """Each contact gets the offered times with their own fresh links, through which they pick."""
    now = utcnow()
    for person in contacts:
        links.issue_all(session, order, now).mail_to(
            session, person, "call_offer", order=order, person=person, offer=offer, moments=moments
        )
