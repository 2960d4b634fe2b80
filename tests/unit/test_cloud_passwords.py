"""Step 4's password rules without an app: SQL Server's policy and generated passwords."""

import re

import pytest

from portal.services.cloud.passwords import generate_password, password_problem, validate_password
from portal.services.errors import Invalid


def test_generated_passwords_meet_the_policy_and_never_repeat():
    seen = set()
    for _ in range(300):
        password = generate_password("ACME_cpce")
        assert len(password) == 24
        assert password_problem(password, "ACME_cpce") is None
        assert re.search("[A-Z]", password) and re.search("[a-z]", password)
        assert re.search("[0-9]", password) and re.search(r"[^A-Za-z0-9]", password)
        # Nothing that needs care in T-SQL, sqlcmd, connection strings or a shell.
        assert not set(password) & set("'\"[]$;{}=\\` ")
        seen.add(password)
    assert len(seen) == 300


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Abcdefghij1234567890", None),  # 20 characters, three groups
        ("abcdefghij1234567890!", None),  # lower, digit, symbol
        ("Straße-Überweg-2027-Ω", None),  # non-ASCII letters are fine
        ("It's [quoted] N'x' --;", None),  # escaping handles quotes and brackets
        ("A" * 64 + "b" * 63 + "1", None),  # 128, the most SQL Server takes
        ("Abcdefghij123456789", "mindestens 20 Zeichen"),
        ("A" * 64 + "b" * 64 + "1", "höchstens 128 Zeichen"),
        ("abcdefghijklmnopqrstu", "drei Gruppen"),
        ("abcdefghij1234567890", "drei Gruppen"),
        ("ABCDEFGHIJ!!!!!!!!!!", "drei Gruppen"),
        ("Xy1-acme_CPCE-secret-value", "Anmeldenamen"),  # case-insensitive
        ("Abcdefghij1234567890\n", "Steuerzeichen"),
        ("Abcdefghij\t1234567890", "Steuerzeichen"),
        ("Abcdefghij\x001234567890", "Steuerzeichen"),
        ("Abcdefghij\u200b1234567890", "Steuerzeichen"),  # zero-width space (Cf)
        (" Abcdefghij1234567890", "Leerzeichen"),
        ("Abcdefghij1234567890 ", "Leerzeichen"),
        ("Abcdefghij$(pw)1234567890", "sqlcmd"),
    ],
)
def test_password_policy(password, problem):
    found = password_problem(password, "ACME_cpce")
    if problem is None:
        assert found is None
        validate_password(password, "ACME_cpce")
    else:
        assert problem in found
        with pytest.raises(Invalid) as refused:
            validate_password(password, "ACME_cpce")
        assert password not in refused.value.message
