"""Calendars: iCalendar invitations for the setup call."""
