"""The example in dfd/README.md lays out and renders as it says."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import dfd

README = Path(dfd.__file__).with_name("README.md")


def test_readme_example_lays_out_and_renders():
    text = README.read_text(encoding="utf-8")
    doc = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    result = dfd.layout(doc["systems"], doc["flows"], labels={"cpce": "CPCE application"})
    by_name = {box.name: box for box in result.boxes}
    assert (
        by_name["SAP S/4HANA"].x < by_name["CPCE"].x < by_name["ACME_CPCE (SQLPROD01\\CPCE,1433)"].x
    )
    assert [edge.label.text for edge in result.edges][0] == "Salden · Datei (CSV) · monatlich"
    svg = dfd.render_svg(result, "Data flows of ACME", description=dfd.default_description(result))
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert desc.startswith("SAP S/4HANA → CPCE: Salden, Datei (CSV), monatlich; ")
    assert "CPCE application" in svg  # the legend names the kinds as `labels` says
