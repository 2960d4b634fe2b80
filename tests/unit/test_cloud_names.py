"""Step 4's names without an app: the database and logins of a short code, the SQL Server's name."""

import pytest

from portal.services.cloud.names import Names, names_for, validate_server_name
from portal.services.errors import Invalid


def test_names_follow_the_short_code():
    assert names_for("ACME") == Names("ACME_CPCE", "ACME_saxess", "ACME_cpce")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (r"sql01.cp.example\CPCE", r"sql01.cp.example\CPCE"),
        (r"  sql01\CPCE_2  ", r"sql01\CPCE_2"),
        (r"sql01\_inst$1", r"sql01\_inst$1"),
        (r"SQL-01.cp.example.\A234567890123456", r"SQL-01.cp.example.\A234567890123456"),
        ("10.0.0.5,1433", "10.0.0.5,1433"),
        ("sql01.cp.example,65535", "sql01.cp.example,65535"),
        ("db,1", "db,1"),
        ("sql01.cp.example", None),  # neither instance nor port
        ("", None),
        (r"sql01\\CPCE", None),
        (r"sql01\CPCE,1433", None),
        (r"sql01\1CPCE", None),  # an instance starts with a letter or _
        (r"sql01\A2345678901234567", None),  # 17 characters
        (r"sql01\CP-CE", None),
        (r"sql01\CP CE", None),
        (r"\CPCE", None),
        ("sql01,0", None),
        ("sql01,65536", None),
        ("sql01,01433", None),
        ("sql01,14a3", None),
        ("sql01,", None),
        ("10.0.0.256,1433", None),
        ("10.0.0,1433", None),
        ("-sql01.example,1433", None),
        ("sql01-.example,1433", None),
        ("sql_01.example,1433", None),
        ("sql01..example,1433", None),
        ("sql01.123,1433", None),  # a numeric top-level label is no DNS name
        ("a" * 64 + ".example,1433", None),
        ("sql01.example,1433\nGO", None),
        ("sql01.example;drop,1433", None),
        ("[::1],1433", None),
    ],
)
def test_server_name_validation(raw, expected):
    if expected is None:
        with pytest.raises(Invalid, match="host"):
            validate_server_name(raw)
    else:
        assert validate_server_name(raw) == expected
