"""`flask questionnaires list/import/export`: a version in and out as the same JSON."""

import json

from portal import questionnaires


def test_export_of_an_import_equals_the_file(runner, session, tmp_path):
    source = questionnaires.ROOT / "technical" / "v2.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    document["x-ui"]["title"]["en"] = "Technical questionnaire – imported"
    path = tmp_path / "next.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    imported = runner.invoke(args=["questionnaires", "import", "technical", str(path)])
    assert imported.exit_code == 0, imported.output
    number = questionnaires.files("technical")[-1][0] + 1
    assert f"technical v{number}: draft imported" in imported.output

    out = tmp_path / "out.json"
    exported = runner.invoke(
        args=["questionnaires", "export", "technical", str(number), "-o", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text(encoding="utf-8")) == document
    stdout = runner.invoke(args=["questionnaires", "export", "technical", str(number)])
    assert json.loads(stdout.output) == document

    listed = runner.invoke(args=["questionnaires", "list"]).output
    assert f"technical\tv{number}\tdraft\timport" in listed
    again = runner.invoke(args=["questionnaires", "import", "technical", str(path)])
    assert again.exit_code == 1 and "in Arbeit" in again.output


def test_import_refuses_broken_json_and_unknown_versions(runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"type": "object",\n  oops}', encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "import", "business", str(path)])
    assert result.exit_code == 1 and "line 2, column 3" in result.output
    missing = runner.invoke(args=["questionnaires", "export", "business", "99"])
    assert missing.exit_code == 1 and "no business v99" in missing.output
