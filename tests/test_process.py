"""The process definition and the progress derived from completion records."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from portal.models import Role
from portal.process import STEP_BY_KEY, STEPS, StepStatus, derive, is_complete, next_due, next_for

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def order(deployment="on_premises", lead_id=None):
    return SimpleNamespace(deployment=deployment, project_lead_id=lead_id)


def done(*steps, at=NOW - timedelta(hours=1), **details):
    return [SimpleNamespace(step=s, completed_at=at, details=details.get(s, {})) for s in steps]


def status(states):
    return {s.step.key: s.status for s in states}


def test_all_nine_steps_of_the_seed_in_order():
    assert [s.key for s in STEPS] == [
        "order",
        "accept",
        "schedule_call",
        "provision_cloud",
        "answer_questionnaires",
        "hold_call",
        "approve_protocol",
        "send_package",
        "offer_services",
    ]
    for step in STEPS:
        assert step.title("de") and step.title("en") and step.title("de") != step.title("en")
        assert all(r in STEP_BY_KEY for r in step.requires)


def test_a_placed_order_waits_for_acceptance_and_blocks_the_rest():
    states = status(derive(order(), done("order"), NOW))
    assert states["order"] == StepStatus.DONE
    assert states["accept"] == StepStatus.OPEN
    assert states["schedule_call"] == StepStatus.BLOCKED
    assert states["provision_cloud"] == StepStatus.NOT_APPLICABLE


def test_cloud_provisioning_applies_only_to_cp_cloud_and_gates_the_call():
    began = {"starts_at": (NOW - timedelta(hours=1)).isoformat()}
    completions = done("order", "accept", "schedule_call", schedule_call=began)
    cloud = status(derive(order("cp_cloud"), completions, NOW))
    assert cloud["provision_cloud"] == StepStatus.OVERDUE  # due a working day before the call
    assert cloud["hold_call"] == StepStatus.BLOCKED
    on_prem = status(derive(order(), completions, NOW))
    assert on_prem["provision_cloud"] == StepStatus.NOT_APPLICABLE
    assert on_prem["hold_call"] == StepStatus.OPEN


def test_the_call_is_held_only_once_it_began_and_its_deadline_counts_before():
    call = NOW + timedelta(days=1)
    completions = done(
        "order",
        "accept",
        "schedule_call",
        "answer_questionnaires",
        schedule_call={"starts_at": call.isoformat()},
    )
    before = derive(order(), completions, NOW)
    assert status(before)["hold_call"] == StepStatus.WAITING
    # The next deadline of the order is the same before and after the call began.
    assert next_due(before).step.key == "hold_call"
    after = derive(order(), completions, call + timedelta(minutes=1))
    assert status(after)["hold_call"] == StepStatus.OPEN
    assert next_due(after).due == next_due(before).due


def test_provisioning_is_due_a_working_day_before_the_call_and_then_overdue():
    # The call on Monday 30 November 2026 at 10:00 Berlin; CP Cloud is due by Friday's end.
    call = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).isoformat()
    completions = done("order", "accept", "schedule_call", schedule_call={"starts_at": call})
    states = derive(order("cp_cloud"), completions, NOW)
    provision = next(s for s in states if s.step.key == "provision_cloud")
    assert provision.status == StepStatus.OPEN
    friday_end = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)  # midnight in Berlin (UTC+1)
    assert provision.due == friday_end
    later = derive(order("cp_cloud"), completions, friday_end + timedelta(seconds=1))
    assert status(later)["provision_cloud"] == StepStatus.OVERDUE


def test_every_mandatory_step_after_the_order_has_a_due_rule():
    assert {s.key for s in STEPS if s.due is None} == {"order", "offer_services"}


def test_offering_services_is_optional_for_completion():
    keys = [s.key for s in STEPS if s.key != "offer_services"]
    states = derive(order(), done(*keys), NOW)
    assert status(states)["offer_services"] == StepStatus.OPEN
    assert is_complete(states)
    assert not is_complete(derive(order(), done(*keys[:-1]), NOW))


def test_next_for_matches_role_and_only_the_orders_own_project_lead():
    states = derive(order(lead_id=7), done("order", "accept", "schedule_call", "hold_call"), NOW)
    lead = SimpleNamespace(role=Role.PROJECT_LEAD, id=7)
    other_lead = SimpleNamespace(role=Role.PROJECT_LEAD, id=8)
    assert [s.step.key for s in next_for(lead, order(lead_id=7), states)] == ["approve_protocol"]
    assert next_for(other_lead, order(lead_id=7), states) == []
    partner = SimpleNamespace(role=Role.PARTNER_STAFF, id=1)
    assert [s.step.key for s in next_for(partner, order(lead_id=7), states)] == ["offer_services"]


def _step_map() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where each step's code lives", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]


def test_readme_maps_every_step_key_to_code_that_exists():
    rows = _step_map()
    assert [re.findall(r"`([^`]+)`", row[0]) for row in rows] == [[s.key] for s in STEPS]
    for row in rows:
        places = [p for cell in row[1:] for p in re.findall(r"`([^`]+)`", cell)]
        folders = [ROOT / p for p in places if "/" in p and p.endswith("/")]
        for place in places:
            if "/" in place:
                assert (ROOT / place).exists(), f"{row[0]}: {place} does not exist"
            elif place.endswith(".py"):
                assert any((f / place).exists() for f in folders), f"{row[0]}: {place} not found"
