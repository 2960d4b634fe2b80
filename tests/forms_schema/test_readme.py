"""The example in forms_schema/README.md is a working questionnaire."""

import json
import re
from pathlib import Path

import forms_schema

README = Path(forms_schema.__file__).with_name("README.md")


def test_readme_example_loads_and_behaves():
    block = re.search(r"```json\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    q = forms_schema.load(json.loads(block))
    assert [p.key for p in q.pages] == ["general", "infra"]
    data = {"company": "Acme", "vpn": True, "contacts": [{"name": "A", "email": "a@acme.example"}]}
    assert [e.pointer for e in q.validate(data)] == ["/vpn_gateway"]
    assert "/region" in q.visible(data, {"deployment": "cp_cloud"})
    assert "/region" not in q.visible(data, {"deployment": "on_premises"})
    bounded = {**data, "vpn": False, "named_users": 40, "concurrent_users": 55}
    assert [(e.pointer, e.message) for e in q.validate(bounded, partial=True, locale="en")] == [
        ("/concurrent_users", "Please enter at most as much as for “Users” (40).")
    ]
    refused = q.validate({"office_ip": "192.168.1.1"}, partial=True)
    assert [e.pointer for e in refused] == ["/office_ip"]


def test_readme_versions_example_runs():
    text = README.read_text(encoding="utf-8")
    released = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    section = text[text.index("## Answers to a newer version") :]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(block, "README.md", "exec"), {"released": released})  # noqa: S102
