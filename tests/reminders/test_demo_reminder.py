"""`make run`: the worker's first pass after the demo load writes a reminder to the mail folder."""

from email import message_from_bytes, policy
from pathlib import Path

from portal import worker


def test_the_first_worker_pass_writes_a_reminder_for_mueller(app, runner, session):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    report = worker.run_once(session)
    assert report["reminders"] == "1 reminder(s) queued", report
    found = []
    for path in Path(app.config["MAIL_DIR"]).glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["Subject"] == "CPCE: Erinnerung an Ihre Fragebögen vor dem Setup Call":
            found.append(message)
    assert [m["To"] for m in found] == ["max.mustermann@mueller.example"]
    text = found[0].get_body(("plain",)).get_content()
    assert "Müller Maschinenbau GmbH" in text and "/r/" in text
    assert worker.run_once(session)["reminders"] == ""
