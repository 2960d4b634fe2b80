"""The onboarding process as data: nine steps, and an order's progress derived from completions.

Every screen that shows progress reads STEPS and derive(); nothing stores a status field.
Where each step's use cases, pages and rules live, by its key: README.md, "Where each step's
code lives".
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portal.deadlines import Deadlines, DueRule, event_moment
from portal.models.org import Role


class StepStatus(StrEnum):
    DONE = "done"
    OPEN = "open"
    BLOCKED = "blocked"
    WAITING = "waiting"  # ready, but its time has not come: the call is held once it began
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Step:
    key: str
    actors: tuple[Role, ...]
    title_de: str
    title_en: str
    requires: tuple[str, ...] = ()
    # The step applies only to orders whose attribute has this value, e.g. ("deployment", "cp_cloud").
    applies_if: tuple[str, str] | None = None
    # When the step is due, relative to another step's event; its number is a setting (README).
    due: DueRule | None = None
    # The step can be done only from this event on, e.g. the call held once it began (CALL_START).
    not_before: tuple[str, str] | None = None
    optional: bool = False

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_de

    def applies_to(self, order) -> bool:
        return self.applies_if is None or getattr(order, self.applies_if[0]) == self.applies_if[1]


# The booked call's start, as step schedule_call records it (and updates when the call moves).
CALL_START = ("schedule_call", "starts_at")

STEPS: tuple[Step, ...] = (
    Step("order", (Role.PARTNER_STAFF,), "Bestellung", "Order"),
    Step(
        "accept",
        (Role.VENDOR_BACKOFFICE,),
        "Auftragsannahme",
        "Order acceptance",
        ("order",),
        due=DueRule(("order", "completed_at"), 2),
    ),
    Step(
        "schedule_call",
        (Role.PARTNER_STAFF,),
        "Setup Call planen",
        "Schedule the setup call",
        ("accept",),
        due=DueRule(("accept", "completed_at"), 5),
    ),
    Step(
        "provision_cloud",
        (Role.PARTNER_STAFF,),
        "CP Cloud einrichten",
        "Provision CP Cloud",
        ("accept",),
        applies_if=("deployment", "cp_cloud"),
        due=DueRule(CALL_START, 1, before=True),
    ),
    Step(
        "answer_questionnaires",
        (),  # the customer, through the secret links
        "Fragebögen beantworten",
        "Answer the questionnaires",
        ("accept",),
        due=DueRule(CALL_START, 3, before=True),
    ),
    Step(
        "hold_call",
        (Role.PARTNER_STAFF, Role.IT_ARCHITECT, Role.TECHNICIAN, Role.PROJECT_LEAD),
        "Setup Call durchführen",
        "Hold the setup call",
        ("schedule_call", "provision_cloud"),
        due=DueRule(CALL_START, 1),
        not_before=CALL_START,
    ),
    Step(
        "approve_protocol",
        (Role.PROJECT_LEAD,),
        "Protokoll freigeben",
        "Approve the protocol",
        ("hold_call",),
        due=DueRule(("hold_call", "starts_at"), 3),
    ),
    Step(
        "send_package",
        (Role.PARTNER_STAFF,),
        "Dokumentation versenden",
        "Send the documentation package",
        ("approve_protocol",),
        due=DueRule(("approve_protocol", "completed_at"), 2),
    ),
    Step(
        "offer_services",
        (Role.PARTNER_STAFF,),
        "Zusatzleistungen anbieten",
        "Offer additional services",
        ("hold_call",),
        optional=True,
    ),
)

STEP_BY_KEY: dict[str, Step] = {step.key: step for step in STEPS}

# The rules with their default numbers; portal/services/clock.py applies the settings.
DEFAULT_DEADLINES = Deadlines({step.key: step.due for step in STEPS if step.due is not None})


@dataclass(frozen=True)
class StepState:
    step: Step
    status: StepStatus
    completion: object | None = None  # the StepCompletion when done
    due: datetime | None = None


def derive(
    order, completions, now: datetime, deadlines: Deadlines = DEFAULT_DEADLINES
) -> list[StepState]:
    """Return the state of every step for an order and its StepCompletion records."""
    done = {c.step: c for c in completions}
    states: list[StepState] = []
    status_of: dict[str, StepStatus] = {}
    for step in STEPS:
        due = deadlines.due(step.key, done)
        if step.key in done:
            status = StepStatus.DONE
        elif not step.applies_to(order):
            status = StepStatus.NOT_APPLICABLE
        elif all(
            status_of[r] in (StepStatus.DONE, StepStatus.NOT_APPLICABLE) for r in step.requires
        ):
            if step.not_before and _ahead(done, step.not_before, now):
                status = StepStatus.WAITING
            elif due is not None and due < now:
                status = StepStatus.OVERDUE
            else:
                status = StepStatus.OPEN
        else:
            status = StepStatus.BLOCKED
        status_of[step.key] = status
        states.append(StepState(step, status, done.get(step.key), due))
    return states


def _ahead(done: dict, event: tuple[str, str], now: datetime) -> bool:
    # An event without a known moment does not hold a step back.
    moment = event_moment(done.get(event[0]), event[1])
    return moment is not None and moment > now


# Steps whose deadline runs: whether the step is open yet or waits for its time.
PENDING = (StepStatus.OPEN, StepStatus.OVERDUE, StepStatus.WAITING)


def next_due(states: list[StepState]) -> StepState | None:
    """The pending step with a due date that is due first, or None (whatever the time now: a
    waiting step counts, so the answer does not change as the clock runs)."""
    pending = [s for s in states if s.due and s.status in PENDING]
    return min(pending, key=lambda s: s.due, default=None)


def completion(order, key: str):
    """The order's StepCompletion of step `key`, or None while the step is not done."""
    return next((c for c in order.completions if c.step == key), None)


def is_actionable_by(step: Step, user, order) -> bool:
    """Whether this user is one of the step's actors for this order."""
    if user.role not in step.actors:
        return False
    # A project lead acts only on the orders they lead.
    return user.role != Role.PROJECT_LEAD or order.project_lead_id == user.id


def next_for(user, order, states: list[StepState]) -> list[StepState]:
    """The open or overdue steps of an order that wait for this user."""
    return [
        s
        for s in states
        if s.status in (StepStatus.OPEN, StepStatus.OVERDUE)
        and is_actionable_by(s.step, user, order)
    ]


def is_complete(states: list[StepState]) -> bool:
    """Whether every mandatory step is done or does not apply."""
    return all(
        s.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE)
        for s in states
        if not s.step.optional
    )
