"""SQLAlchemy models. Constraints live in the database, not only in Python."""

from portal.models.audit import AuditEvent
from portal.models.catalog import Product, Variant
from portal.models.claims import Claim, ClaimLine, ClaimPhoto
from portal.models.conversation import Message, Thread
from portal.models.credits import CreditTransaction, StoreCredit
from portal.models.followup import Feedback, LateNotice
from portal.models.orders import Order, OrderLine
from portal.models.outbox import OutboxMessage
from portal.models.relay import RelayPoint
from portal.models.repairs import RepairCase
from portal.models.returns import (
    DraftPhoto,
    Label,
    Refund,
    ReturnItem,
    ReturnPhoto,
    ReturnRequest,
)
from portal.models.shops import PlatformCall, ShopConnection, ShopWebhook
from portal.models.staff import ApiToken, StaffUser
from portal.models.tracking import CarrierEvent
from portal.models.tracking_poll import TrackingPoll

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CarrierEvent",
    "Claim",
    "ClaimLine",
    "ClaimPhoto",
    "CreditTransaction",
    "DraftPhoto",
    "Feedback",
    "Label",
    "LateNotice",
    "Message",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Product",
    "Refund",
    "RelayPoint",
    "RepairCase",
    "ReturnItem",
    "ReturnPhoto",
    "ReturnRequest",
    "PlatformCall",
    "ShopConnection",
    "ShopWebhook",
    "StaffUser",
    "StoreCredit",
    "Thread",
    "TrackingPoll",
    "Variant",
]
