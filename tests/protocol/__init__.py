"""Steps 6 and 7: contacts confirmation, completing the setup call, the protocol and its approval.

One module per use case (contacts, drafting, approval, hold_call) and one for the pages over
HTTP; support.py holds the building blocks, conftest.py the fixtures. Two approval tests let
another session change the protocol between a service's read and its write (a before_flush
hook), to show that an approval and an edit racing each other never both win.
"""
