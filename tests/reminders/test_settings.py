"""The reminder settings from the environment: defaults, and typos refused at start."""

import pytest

from portal.config import from_environment
from portal.services.clock import work_calendar


def test_defaults(monkeypatch, tmp_path):
    for name in ("REMINDER_WORKING_DAYS", "REMINDER_MAX", "DIGEST_HOUR", "HOLIDAY_STATE"):
        monkeypatch.delenv(name, raising=False)
    config = from_environment(str(tmp_path))
    assert config["REMINDER_WORKING_DAYS"] == (7, 2)
    assert (config["REMINDER_MAX"], config["DIGEST_HOUR"], config["HOLIDAY_STATE"]) == (2, 7, "SN")


def test_given_values_are_normalised(monkeypatch, tmp_path):
    monkeypatch.setenv("REMINDER_WORKING_DAYS", " 2, 10 ,5 ")
    monkeypatch.setenv("HOLIDAY_STATE", "by")
    config = from_environment(str(tmp_path))
    assert config["REMINDER_WORKING_DAYS"] == (10, 5, 2)
    assert config["HOLIDAY_STATE"] == "BY"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REMINDER_WORKING_DAYS", "7,zwei"),
        ("REMINDER_WORKING_DAYS", "0"),
        ("DIGEST_HOUR", "24"),
        ("HOLIDAY_STATE", "Sachsen"),
    ],
)
def test_typos_stop_the_start(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        from_environment(str(tmp_path))


def test_the_calendar_follows_the_holiday_state(app):
    from datetime import date

    assert work_calendar().state == "SN"
    assert not work_calendar().is_working_day(date(2026, 11, 18))  # Buss- und Bettag
    app.config["HOLIDAY_STATE"] = "BE"
    assert work_calendar().is_working_day(date(2026, 11, 18))
