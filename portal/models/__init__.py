"""All models, imported here so that Alembic and the app see the whole metadata."""

from portal.models.audit import AuditEvent
from portal.models.base import Base, utcnow
from portal.models.catalog import ServiceItem
from portal.models.customer import QUESTIONNAIRES, Customer, CustomerGrant, CustomerLink, License
from portal.models.order import DEPLOYMENTS, LICENSE_MODELS, Order, OrderLine, StepCompletion
from portal.models.org import ROLE_ORG_KIND, Organisation, OrgKind, Role, User
from portal.models.outbox import OutboxMessage
from portal.models.response import Response, ResponseRevision, Upload

__all__ = [
    "DEPLOYMENTS",
    "LICENSE_MODELS",
    "QUESTIONNAIRES",
    "ROLE_ORG_KIND",
    "AuditEvent",
    "Base",
    "Customer",
    "CustomerGrant",
    "CustomerLink",
    "License",
    "Order",
    "OrderLine",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "Response",
    "ResponseRevision",
    "Role",
    "ServiceItem",
    "StepCompletion",
    "Upload",
    "User",
    "utcnow",
]
