"""The questionnaire studio: versions of the questionnaires, drafted, checked, published, migrated.

Not a step of portal/process.py: it maintains what step `answer_questionnaires` asks. Vendor
questionnaire editors (and admins) draft a new version, every save kept; the lint blocks
publishing until clean; a second person publishes; in-flight responses are moved to the new
version with a dry run first. The versions themselves are read through portal/questionnaires.py.

    seeding     the first versions from the files in questionnaires/ (a fresh install, tests)
    testing     an editor's test answers in the preview: saved, checked, reset (TestFill only)
"""
