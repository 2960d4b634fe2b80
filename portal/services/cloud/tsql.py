"""The T-SQL script for the database administrator: quoting and the script's text.

Pure rules: plain values in, plain values out, no session and no request
(tests/unit/test_cloud_tsql.py tests them without an app).
"""

import unicodedata
from datetime import datetime

from portal.services.cloud.names import WHICH, Names


def quote_name(name: str) -> str:
    """A T-SQL identifier in brackets, `]` doubled: [My]]Name]."""
    if not 1 <= len(name) <= 128 or any(unicodedata.category(c)[0] == "C" for c in name):
        raise ValueError("not a usable SQL Server identifier")
    return "[" + name.replace("]", "]]") + "]"


def quote_string(value: str) -> str:
    """A T-SQL Unicode string literal, `'` doubled: N'it''s'."""
    # A line break could start a line "GO" that sqlcmd and SSMS take as a batch end.
    if any(c in value for c in "\x00\r\n\u2028\u2029"):
        raise ValueError("a line break or NUL does not belong in this literal")
    return "N'" + value.replace("'", "''") + "'"


def build_script(
    names: Names, server_name: str, passwords: dict[str, str], version: int, now: datetime
) -> str:
    """The idempotent T-SQL that creates the database, both logins and users with their roles."""
    db_name, db_literal = quote_name(names.database), quote_string(names.database)
    lines = [
        f"-- CPCE on CP Cloud: database {names.database} with the users {names.saxess} and "
        f"{names.cpce} (setup version {version}, {now:%Y-%m-%d %H:%M} UTC).",
        f"-- SQL Server: {server_name}",
        "-- Run it as a member of sysadmin, in SSMS or with",
        f'--   sqlcmd -x -S "{server_name}" -E -i {names.database}.sql',
        "-- Safe to run again: what exists is kept, the passwords are set to the values below.",
        "-- THIS FILE CONTAINS PASSWORDS: hand it over securely and delete it after use.",
        "SET NOCOUNT ON;",
        "GO",
        "",
        f"IF DB_ID({db_literal}) IS NULL",
        f"    CREATE DATABASE {db_name};",
        "GO",
    ]
    for which in WHICH:
        login = names.login(which)
        name, literal = quote_name(login), quote_string(login)
        options = (
            f"PASSWORD = {quote_string(passwords[which])}, DEFAULT_DATABASE = {db_name}, "
            "CHECK_POLICY = ON, CHECK_EXPIRATION = OFF"
        )
        lines += [
            "",
            # A script for the DBA, not a query we run; every value went through quote_*().
            f"IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = {literal})",  # noqa: S608
            f"    CREATE LOGIN {name} WITH {options};",
            "ELSE",
            f"    ALTER LOGIN {name} WITH {options};",
            f"ALTER LOGIN {name} ENABLE;",
            "GO",
        ]
    lines += ["", f"USE {db_name};", "GO"]
    roles = {"saxess": ("db_owner",), "cpce": ("db_datareader", "db_datawriter")}
    for which in WHICH:
        login = names.login(which)
        name, literal = quote_name(login), quote_string(login)
        lines += [
            "",
            f"IF DATABASE_PRINCIPAL_ID({literal}) IS NULL",
            f"    CREATE USER {name} FOR LOGIN {name};",
            "ELSE",
            f"    ALTER USER {name} WITH LOGIN = {name};",
        ]
        for role in roles[which]:
            lines += [
                f"IF ISNULL(IS_ROLEMEMBER({quote_string(role)}, {literal}), 0) = 0",
                f"    ALTER ROLE {quote_name(role)} ADD MEMBER {name};",
            ]
        if which == "cpce":
            lines.append(f"GRANT EXECUTE TO {name};")
        lines.append("GO")
    return "\n".join(lines) + "\n"
