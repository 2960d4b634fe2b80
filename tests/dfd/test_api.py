"""dfd is a library apart: a small public surface, and nothing but the standard library."""

import ast
import sys
from pathlib import Path

import dfd

PACKAGE = Path(dfd.__file__).parent


def test_the_package_imports_only_the_standard_library():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top == "dfd" or top in sys.stdlib_module_names, (path.name, name)


def test_every_public_name_is_documented_and_there():
    for name in dfd.__all__:
        assert name in dfd.__doc__ and getattr(dfd, name) is not None, name
