"""The sample answers live with the demo data in portal.samples; tests import them from here."""

from portal.samples import BUSINESS, CONTACT, CP_CLOUD, ON_PREMISES, TECH_COMMON

__all__ = ["BUSINESS", "CONTACT", "CP_CLOUD", "ON_PREMISES", "TECH_COMMON"]
