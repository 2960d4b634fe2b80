"""Step 4, provision_cloud: the customer's CPCE database on CP Cloud and its two passwords.

What lives where:
- names.py        what things are called: the step, the database and logins, the SQL Server name
- passwords.py    SQL Server's password policy, generated passwords, how a password comes about
- tsql.py         the T-SQL script for the database administrator, its quoting
- permissions.py  who may see, provision and reveal (on top of access.get_order)
- history.py      queries: the provisioning versions, who looked at the passwords
- credentials.py  sealing and opening the passwords in the vault (VaultUnavailable)
- provisioning.py use case: provision() records a new version, the first completes the step
- revealing.py    use cases: reveal() one password, script() the T-SQL with both; both audited
- pages.py        read models: the order page's section, the provisioning page

names, passwords and tsql are pure rules (tests/unit/test_cloud_*.py). Other features use the
names below; anything else is private to the package.
"""

from portal.services.cloud.credentials import VaultUnavailable
from portal.services.cloud.history import Access, accesses, current_of, versions_of
from portal.services.cloud.names import CLOUD, STEP, WHICH, Names, names_for, validate_server_name
from portal.services.cloud.pages import Overview, Section, order_section, overview
from portal.services.cloud.passwords import (
    ENTER,
    GENERATE,
    KEEP,
    PasswordChoice,
    generate_password,
    password_problem,
    validate_password,
)
from portal.services.cloud.permissions import may_reveal
from portal.services.cloud.provisioning import provision
from portal.services.cloud.revealing import Revealed, Script, reveal, script
from portal.services.cloud.tsql import build_script

__all__ = [
    "CLOUD",
    "ENTER",
    "GENERATE",
    "KEEP",
    "STEP",
    "WHICH",
    "Access",
    "Names",
    "Overview",
    "PasswordChoice",
    "Revealed",
    "Script",
    "Section",
    "VaultUnavailable",
    "accesses",
    "build_script",
    "current_of",
    "generate_password",
    "may_reveal",
    "names_for",
    "order_section",
    "overview",
    "password_problem",
    "provision",
    "reveal",
    "script",
    "validate_password",
    "validate_server_name",
    "versions_of",
]
