"""The onboarding process as data: nine steps, and an order's progress derived from completions.

Every screen that shows progress reads STEPS and derive(); nothing stores a status field.
Where each step's use cases, pages and rules live, by its key: README.md, "Where each step's
code lives".
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portal.models.org import Role


class StepStatus(StrEnum):
    DONE = "done"
    OPEN = "open"
    BLOCKED = "blocked"
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
    # The step is due at a time another step recorded: (step key, key in its completion details).
    due_at: tuple[str, str] | None = None
    optional: bool = False

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_de

    def applies_to(self, order) -> bool:
        return self.applies_if is None or getattr(order, self.applies_if[0]) == self.applies_if[1]


STEPS: tuple[Step, ...] = (
    Step("order", (Role.PARTNER_STAFF,), "Bestellung", "Order"),
    Step("accept", (Role.VENDOR_BACKOFFICE,), "Auftragsannahme", "Order acceptance", ("order",)),
    Step(
        "schedule_call",
        (Role.PARTNER_STAFF,),
        "Setup Call planen",
        "Schedule the setup call",
        ("accept",),
    ),
    Step(
        "provision_cloud",
        (Role.PARTNER_STAFF,),
        "CP Cloud einrichten",
        "Provision CP Cloud",
        ("accept",),
        applies_if=("deployment", "cp_cloud"),
        due_at=("schedule_call", "starts_at"),
    ),
    Step(
        "answer_questionnaires",
        (),  # the customer, through the secret links
        "Fragebögen beantworten",
        "Answer the questionnaires",
        ("accept",),
    ),
    Step(
        "hold_call",
        (Role.PARTNER_STAFF, Role.IT_ARCHITECT, Role.TECHNICIAN, Role.PROJECT_LEAD),
        "Setup Call durchführen",
        "Hold the setup call",
        ("schedule_call", "provision_cloud"),
    ),
    Step(
        "approve_protocol",
        (Role.PROJECT_LEAD,),
        "Protokoll freigeben",
        "Approve the protocol",
        ("hold_call",),
    ),
    Step(
        "send_package",
        (Role.PARTNER_STAFF,),
        "Dokumentation versenden",
        "Send the documentation package",
        ("approve_protocol",),
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


@dataclass(frozen=True)
class StepState:
    step: Step
    status: StepStatus
    completion: object | None = None  # the StepCompletion when done
    due: datetime | None = None


def derive(order, completions, now: datetime) -> list[StepState]:
    """Return the state of every step for an order and its StepCompletion records."""
    done = {c.step: c for c in completions}
    states: list[StepState] = []
    status_of: dict[str, StepStatus] = {}
    for step in STEPS:
        due = _due(step, done)
        if step.key in done:
            status = StepStatus.DONE
        elif not step.applies_to(order):
            status = StepStatus.NOT_APPLICABLE
        elif all(
            status_of[r] in (StepStatus.DONE, StepStatus.NOT_APPLICABLE) for r in step.requires
        ):
            status = StepStatus.OVERDUE if due is not None and due < now else StepStatus.OPEN
        else:
            status = StepStatus.BLOCKED
        status_of[step.key] = status
        states.append(StepState(step, status, done.get(step.key), due))
    return states


def _due(step: Step, done: dict) -> datetime | None:
    if step.due_at is None or step.due_at[0] not in done:
        return None
    value = (done[step.due_at[0]].details or {}).get(step.due_at[1])
    return datetime.fromisoformat(value) if value else None


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
