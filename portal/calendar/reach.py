"""Whom calendar requests may reach, and what a failed one means for the person who asked.

The policy comes from CALENDAR_ALLOWED_HOSTS (portal.calendar.guard does the checking); the
texts say what the user can fix, never anything the remote server answered.
"""

from flask import current_app
from flask_babel import gettext as _

from portal.calendar import sources
from portal.calendar.guard import Policy

VAULT = "vault"  # a failure kind besides sources': the stored password cannot be decrypted


def policy() -> Policy:
    """Where calendar requests may go: public addresses and CALENDAR_ALLOWED_HOSTS."""
    return Policy.parse(current_app.config.get("CALENDAR_ALLOWED_HOSTS", ""))


def reason(kind: str, status: int | None = None) -> str:
    """What a calendar failure means for the user, and what they can do about it."""
    if kind == sources.SERVER_ERROR and status:
        return _(
            "Der Kalender-Server meldet einen Fehler (HTTP %(status)d); bitte die Adresse prüfen oder später erneut versuchen.",
            status=status,
        )
    texts = {
        sources.REFUSED: _(
            "Die Adresse führt in ein internes Netz, mit dem sich das Portal nicht verbindet. Bitte die Adresse prüfen oder den Betreiber des Portals bitten, diesen Kalender-Server freizugeben."
        ),
        sources.SCHEME: _("Nur Adressen mit https:// oder http:// werden unterstützt."),
        sources.REDIRECTS: _(
            "Der Server leitet zu oft weiter; bitte die endgültige Adresse des Kalenders eintragen."
        ),
        sources.UNREACHABLE: _(
            "Der Kalender-Server ist nicht erreichbar (ausgeschaltet oder Adresse falsch)."
        ),
        sources.TIMEOUT: _("Der Kalender-Server hat nicht rechtzeitig geantwortet."),
        sources.TOO_LARGE: _("Die Antwort des Kalender-Servers ist größer als 10 MB."),
        sources.AUTH: _(
            "Zugriff verweigert: Benutzername oder Passwort falsch, oder keine Rechte für diesen Kalender."
        ),
        sources.NOT_FOUND: _("Unter dieser Adresse gibt es keinen Kalender."),
        sources.NOT_CALENDAR: _(
            "Diese Adresse ist kein Kalender; bitte die Adresse des Kalenders selbst eintragen (z. B. …/calendars/name/)."
        ),
        sources.SERVER_ERROR: _(
            "Der Kalender-Server meldet einen Fehler; bitte später erneut versuchen."
        ),
        sources.BAD_DATA: _("Die Antwort des Servers ist kein lesbarer Kalender."),
        VAULT: _(
            "Das gespeicherte Passwort lässt sich nicht entschlüsseln; bitte unter „Mein Kalender“ neu eingeben."
        ),
    }
    return texts.get(kind, _("Unerwarteter Fehler beim Schreiben des Kalenders."))


def describe(error: Exception) -> str:
    """reason() for a CalendarUnavailable or a VaultError."""
    if isinstance(error, sources.CalendarUnavailable):
        return reason(error.kind, error.status)
    return reason(VAULT)
