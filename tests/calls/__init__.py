"""Step 3 schedule_call: find a time, book, offer and pick, reschedule, cancel; contacts, pages.

One module per use case (search, booking, reschedule_and_cancel, offers, contacts_and_links)
and for the pages over HTTP (the staff's and the customer's side); support.py holds the building
blocks, conftest.py the fixtures. Against real servers on 127.0.0.1: Radicale (CalDAV and an
ICS feed, helpers in calendars.py) in test_search, test_offers and test_calendar_writes, and
aiosmtpd in test_smtp. The pure rules are tested without an app in tests/unit/test_call_rules.py.
"""
