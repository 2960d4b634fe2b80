"""Step 6 hold_call: the review of the customer's answers in the setup call.

One module per use case (workspace, answers, finalising, diff) and for the refusals, the races
and the pages over HTTP; support.py holds the building blocks, conftest.py the fixtures. The
race tests let another session commit between a save's read and its write (a before_flush
hook), to show that the version counter, not luck, decides who wins.
"""
