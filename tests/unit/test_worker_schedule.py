"""In a --loop the worker runs the outbox every pass, the mailbox and reminder jobs less often."""

from portal.worker import EVERY, JOBS, due_jobs


def test_the_first_pass_runs_every_job_then_the_slow_ones_wait_their_turn():
    assert set(due_jobs({}, 1000.0)) == set(JOBS)
    last_run = dict.fromkeys(JOBS, 1000.0)
    assert set(due_jobs(last_run, 1002.0)) == set(JOBS) - set(EVERY)
    assert "replies" in due_jobs(last_run, 1000.0 + EVERY["replies"])
    assert "digest" not in due_jobs(last_run, 1000.0 + EVERY["replies"])
    assert set(due_jobs(last_run, 1000.0 + max(EVERY.values()))) == set(JOBS)
