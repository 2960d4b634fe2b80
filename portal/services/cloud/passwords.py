"""The passwords of the two database users: SQL Server's policy, generation, how one comes about.

Pure rules: plain values in, plain values out, no session and no request
(tests/unit/test_cloud_passwords.py tests them without an app).
"""

import secrets
import string
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.services.errors import Invalid

GENERATE, ENTER, KEEP = "generate", "enter", "keep"
# How a version's password came about, as the audit event records it.
ORIGIN = {GENERATE: "generated", ENTER: "entered", KEEP: "kept"}
PASSWORD_MIN, PASSWORD_MAX, GENERATED_LENGTH = 20, 128, 24
# Symbols of generated passwords: none that needs quoting in T-SQL, sqlcmd ($), connection
# strings (; { } =) or a shell; entered passwords may use any printable character.
SYMBOLS = "!#%*+-.?@^_~"


def _categories(password: str) -> int:
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def password_problem(password: str, login: str = "") -> str | None:
    """Why SQL Server's policy (here: 20+ characters) would refuse this password, or None."""
    if len(password) < PASSWORD_MIN:
        return _("Das Passwort braucht mindestens %(n)d Zeichen.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("Das Passwort darf höchstens %(n)d Zeichen haben.", n=PASSWORD_MAX)
    if any(unicodedata.category(c)[0] == "C" or c in "\u2028\u2029" for c in password):
        return _("Das Passwort enthält Steuerzeichen; bitte nur druckbare Zeichen verwenden.")
    if password != password.strip():
        return _("Das Passwort darf nicht mit einem Leerzeichen beginnen oder enden.")
    if _categories(password) < 3:
        return _(
            "Das Passwort braucht Zeichen aus mindestens drei Gruppen: Großbuchstaben, Kleinbuchstaben, Ziffern, Sonderzeichen."
        )
    if login and login.lower() in password.lower():
        return _("Das Passwort darf den Anmeldenamen %(login)s nicht enthalten.", login=login)
    if "$(" in password:
        # sqlcmd replaces $(name) even inside string literals: the script would break.
        return _("Das Passwort darf die Zeichenfolge „$(“ nicht enthalten (sqlcmd-Variable).")
    return None


def validate_password(password: str, login: str = "") -> None:
    """Raise Invalid (without the password in it) unless the password meets the policy."""
    if (problem := password_problem(password, login)) is not None:
        raise Invalid(problem)


def generate_password(login: str = "", length: int = GENERATED_LENGTH) -> str:
    """A random password from `secrets` with upper, lower, digit and symbol that meets the policy."""
    groups = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS)
    alphabet = "".join(groups)
    while True:
        chars = [secrets.choice(group) for group in groups]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if password_problem(password, login) is None:
            return password


@dataclass(frozen=True)
class PasswordChoice:
    """How a password of a new version comes about: generate, enter (with value) or keep."""

    mode: str = GENERATE
    value: str = field(default="", repr=False)


def choice_problem(choice: PasswordChoice, login: str, *, may_keep: bool) -> str | None:
    """Why a new version cannot take this password choice, or None.

    `keep` needs a version to keep from (may_keep); an entered password must meet the policy.
    """
    if choice.mode not in (GENERATE, ENTER, KEEP) or (choice.mode == KEEP and not may_keep):
        return _("Bitte wählen, wie das Passwort entsteht.")
    if choice.mode == ENTER:
        return password_problem(choice.value, login)
    return None
