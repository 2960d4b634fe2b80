"""The questionnaire studio: versions of the questionnaires, drafted, checked, published, migrated.

Not a step of portal/process.py: it maintains what step `answer_questionnaires` asks. Vendor
questionnaire editors (and admins) draft a new version, every save kept; the lint blocks
publishing until clean; a second person publishes; in-flight responses are moved to the new
version with a dry run first. The versions themselves are read through portal/questionnaires.py.

    seeding            the first versions from the files in questionnaires/ (a fresh install, tests)
    testing            an editor's test answers in the preview: saved, checked, reset (TestFill only)
    library            the one door to forms_schema.diff()/migrate(), results as plain values
    migration_plan     what moving a response does, step by step (kept, converted, dropped)
    migrating          use cases: in_flight, dry_run, apply (one audited step per response)
    migration_map      use case: confirm a draft's migration map (renames, recodes)
    migration_records  the records as the reviewer, the package and the customer read them
    migration_pages    view model of the migrations page
"""
