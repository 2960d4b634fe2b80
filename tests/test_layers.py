"""The house's floors: imports run down, never up.

Pure cores (forms_schema, dfd) know no portal; the ground floor and the adapters (models, audit,
mail, pdf, calendar, vault, ...) never import use cases; use cases never import blueprints.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"

BLUEPRINTS = sorted(
    path.parent.name if path.name == "__init__.py" else path.stem
    for path in PORTAL.glob("**/*.py")
    if "Blueprint(" in path.read_text(encoding="utf-8")
)
GROUND_AND_ADAPTERS = [
    "portal/models",
    "portal/audit.py",
    "portal/extensions.py",
    "portal/process.py",
    "portal/license.py",
    "portal/logmask.py",
    "portal/uploads.py",
    "portal/mail",
    "portal/pdf",
    "portal/calendar",
    "portal/vault",
]


def _modules(where: str) -> list[Path]:
    path = ROOT / where
    return sorted(path.glob("**/*.py")) if path.is_dir() else [path]


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, with `from a import b` counted as both a and a.b."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in paths
        for name in sorted(_imports(path))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_the_blueprints_are_found():
    assert {"offer", "protocol", "review", "respond", "diagram"} <= set(BLUEPRINTS)


@pytest.mark.parametrize("core", ["forms_schema", "dfd"])
def test_pure_cores_know_no_portal_and_no_flask(core):
    assert _modules(core)
    assert _offending(_modules(core), ("portal", "flask", "sqlalchemy")) == []


@pytest.mark.parametrize("where", GROUND_AND_ADAPTERS)
def test_ground_floor_and_adapters_never_import_use_cases_or_blueprints(where):
    forbidden = ("portal.services", *(f"portal.{name}" for name in BLUEPRINTS))
    assert _offending(_modules(where), forbidden) == []


def test_use_cases_never_import_blueprints():
    forbidden = tuple(f"portal.{name}" for name in BLUEPRINTS)
    assert _offending(_modules("portal/services"), forbidden) == []
