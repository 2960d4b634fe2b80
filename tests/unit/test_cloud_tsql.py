"""Step 4's T-SQL script without an app: quoting, and what the script creates and guards."""

import re
from datetime import UTC, datetime

import pytest

from portal.services.cloud.names import Names, names_for
from portal.services.cloud.tsql import build_script, quote_name, quote_string
from tests.unit.tsql_reader import literals

SERVER = r"sql01.cp.example\CPCE"
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def test_quoting_helpers_double_the_closing_character():
    assert quote_name("ACME_CPCE") == "[ACME_CPCE]"
    assert quote_name("we]ird") == "[we]]ird]"
    assert quote_name("a]]b'c[") == "[a]]]]b'c[]"
    assert quote_string("plain") == "N'plain'"
    assert quote_string("it's") == "N'it''s'"
    assert quote_string("N'x'") == "N'N''x'''"
    assert quote_string("''") == "N''''''"
    assert quote_string("") == "N''"
    for bad in ("", "x" * 129, "a\nb", "a\x00b"):
        with pytest.raises(ValueError):
            quote_name(bad)
    for bad in ("a\nGO\nb", "a\rb", "a\x00b"):
        with pytest.raises(ValueError):
            quote_string(bad)


def test_script_creates_everything_guarded_with_roles_and_the_passwords():
    passwords = {"saxess": "Sx-1'; DROP LOGIN sa; --", "cpce": "Cp]2 N'x' [y] Ω"}
    script = build_script(names_for("ACME"), SERVER, passwords, 3, NOW)
    strings, names = literals(script)
    # Every password and name comes back exactly from its literal: nothing escapes the quotes.
    assert strings.count(passwords["saxess"]) == 2 and strings.count(passwords["cpce"]) == 2
    assert set(names) == {
        "ACME_CPCE",
        "ACME_saxess",
        "ACME_cpce",
        "db_owner",
        "db_datareader",
        "db_datawriter",
    }
    assert "N'Sx-1''; DROP LOGIN sa; --'" in script
    assert "N'Cp]2 N''x'' [y] Ω'" in script
    lines = script.splitlines()
    assert "IF DB_ID(N'ACME_CPCE') IS NULL" in lines
    assert "    CREATE DATABASE [ACME_CPCE];" in lines
    for user in ("ACME_saxess", "ACME_cpce"):
        guard = f"IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'{user}')"  # noqa: S608
        create = lines.index(guard) + 1
        assert lines[create].startswith(f"    CREATE LOGIN [{user}] WITH PASSWORD = N'")
        assert "CHECK_POLICY = ON" in lines[create]
        assert "DEFAULT_DATABASE = [ACME_CPCE]" in lines[create]
        # A second run converges: the password is set again on the existing login.
        assert lines[create + 1] == "ELSE"
        assert lines[create + 2].startswith(f"    ALTER LOGIN [{user}] WITH PASSWORD = N'")
        user_guard = lines.index(f"IF DATABASE_PRINCIPAL_ID(N'{user}') IS NULL")
        assert lines[user_guard + 1] == f"    CREATE USER [{user}] FOR LOGIN [{user}];"
    assert lines.index("USE [ACME_CPCE];") > lines.index("    CREATE DATABASE [ACME_CPCE];")
    assert lines.index("USE [ACME_CPCE];") < lines.index(
        "IF DATABASE_PRINCIPAL_ID(N'ACME_saxess') IS NULL"
    )
    memberships = {
        (role, member)
        for role, member in re.findall(r"ALTER ROLE \[(\w+)\] ADD MEMBER \[(\w+)\];", script)
    }
    assert memberships == {
        ("db_owner", "ACME_saxess"),
        ("db_datareader", "ACME_cpce"),
        ("db_datawriter", "ACME_cpce"),
    }
    for role, member in memberships:
        guard = f"IF ISNULL(IS_ROLEMEMBER(N'{role}', N'{member}'), 0) = 0"
        assert lines[lines.index(f"    ALTER ROLE [{role}] ADD MEMBER [{member}];") - 1] == guard
    assert "GRANT EXECUTE TO [ACME_cpce];" in lines
    assert "ACME_saxess" not in script.split("GRANT EXECUTE")[1]
    # Every CREATE is guarded by the line before it.
    for number, line in enumerate(lines):
        if line.strip().startswith("CREATE "):
            assert lines[number - 1].startswith("IF "), line
    assert lines.count("GO") >= 6 and script.endswith("GO\n")
    assert "version 3" in script and SERVER in script


def test_script_quotes_names_with_brackets_and_quotes():
    names = Names("we]ird'DB", "x]'y", "z]]")
    script = build_script(names, "db,1433", {"saxess": "a", "cpce": "b"}, 1, NOW)
    strings, identifiers = literals(script)
    assert {"we]ird'DB", "x]'y", "z]]"} <= set(identifiers)
    assert {"we]ird'DB", "x]'y", "z]]", "a", "b"} <= set(strings)
    assert "CREATE DATABASE [we]]ird'DB];" in script
    assert "IF DB_ID(N'we]ird''DB') IS NULL" in script


def test_script_refuses_a_password_with_a_line_break():
    with pytest.raises(ValueError):
        build_script(names_for("ACME"), SERVER, {"saxess": "a\nGO\n", "cpce": "b"}, 1, NOW)
