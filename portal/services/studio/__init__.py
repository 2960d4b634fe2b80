"""The questionnaire studio: versions of the questionnaires, drafted, checked, published, migrated.

Not a step of portal/process.py: it maintains what step `answer_questionnaires` asks. Vendor
questionnaire editors (and admins) draft a new version, every save kept; the lint blocks
publishing until clean; a second person publishes; in-flight responses are moved to the new
version with a dry run first. The versions themselves are read through portal/questionnaires.py.

    seeding            the first versions from the files in questionnaires/ (a fresh install, tests)
    records            loading versions, who may work in the studio, the shared refusals
    schema             the door to forms_schema for drafts: with_ids(), identities(), lint()
    drafting           use cases: start_draft, save_document, restore; problems() and in_use()
    lifecycle          use cases: submit, withdraw, approve (publish), retire
    transfer           import a file as a draft, export a version (flask questionnaires)
    pages, wording     view models of the core pages; lint problems and changes in words
    jsontext           the JSON text of a document and the line of every pointer in it
    testing            an editor's test answers in the preview: saved, checked, reset (TestFill only)
    editor, editor_pages, editing/   the structured editor: one pure edit saved as a draft save
    library            the one door to forms_schema.diff()/migrate(), results as plain values
    migration_plan     what moving a response does, step by step (kept, converted, dropped)
    migrating          use cases: in_flight, dry_run, apply (one audited step per response)
    migration_map      use case: confirm a draft's migration map (renames, recodes)
    migration_records  the records as the reviewer, the package and the customer read them
    migration_pages    view model of the migrations page
"""
