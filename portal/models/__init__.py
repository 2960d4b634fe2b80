"""All models, imported here so that Alembic and the app see the whole metadata."""

from portal.models.audit import AuditCheckpoint, AuditEvent
from portal.models.base import Base, utcnow
from portal.models.call import (
    CalendarWrite,
    CallEvent,
    CallParticipant,
    CustomerContact,
    SetupCall,
    SlotOffer,
    StaffCalendar,
)
from portal.models.catalog import ServiceItem
from portal.models.cloud import CloudProvisioning
from portal.models.customer import QUESTIONNAIRES, Customer, CustomerGrant, CustomerLink, License
from portal.models.diagram import DataFlowDiagram
from portal.models.notification import NotificationSent, ReminderMute
from portal.models.offer import OfferLine, ServiceOffer
from portal.models.order import DEPLOYMENTS, LICENSE_MODELS, Order, OrderLine, StepCompletion
from portal.models.org import ROLE_ORG_KIND, Organisation, OrgKind, Role, User
from portal.models.outbox import OutboxMessage
from portal.models.package import DocumentPackage, PackageFile, PackageSend
from portal.models.protocol import CallAttendance, ContactConfirmation, Protocol
from portal.models.questionnaire import (
    DraftSave,
    QuestionnaireVersion,
    ResponseMigration,
    TestFill,
)
from portal.models.response import Response, ResponseRevision, Upload
from portal.models.review import AnswerReview, QuestionnaireSnapshot
from portal.models.search import SEARCHED  # noqa: F401  (the search indexes' DDL)
from portal.models.secret import Secret

__all__ = [
    "DEPLOYMENTS",
    "LICENSE_MODELS",
    "QUESTIONNAIRES",
    "ROLE_ORG_KIND",
    "AnswerReview",
    "AuditCheckpoint",
    "AuditEvent",
    "CallAttendance",
    "CalendarWrite",
    "CallEvent",
    "CallParticipant",
    "CloudProvisioning",
    "ContactConfirmation",
    "CustomerContact",
    "SetupCall",
    "SlotOffer",
    "StaffCalendar",
    "Base",
    "Customer",
    "CustomerGrant",
    "CustomerLink",
    "DataFlowDiagram",
    "DocumentPackage",
    "DraftSave",
    "License",
    "Order",
    "OfferLine",
    "OrderLine",
    "NotificationSent",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "PackageFile",
    "PackageSend",
    "Protocol",
    "QuestionnaireSnapshot",
    "QuestionnaireVersion",
    "ReminderMute",
    "Response",
    "ResponseMigration",
    "ResponseRevision",
    "Role",
    "Secret",
    "ServiceItem",
    "ServiceOffer",
    "StepCompletion",
    "TestFill",
    "Upload",
    "User",
    "utcnow",
]
