from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime


class RelayPoint(db.Model):
    """A drop-off point of a relay network: imported from the network's CSV list, or kept from
    the network's live search (`fetched_at` set), which also serves as the fallback list."""

    __tablename__ = "relay_points"
    __table_args__ = (
        UniqueConstraint("network", "external_id", name="uq_relay_points_network_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(16), index=True)
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    latitude: Mapped[float] = mapped_column(Float, index=True)
    longitude: Mapped[float] = mapped_column(Float, index=True)
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    # "relay" (a shop), "locker" (an automatic parcel terminal) or "post_office".
    kind: Mapped[str] = mapped_column(String(16), default="relay")
    # Structured opening hours as JSON: {"0": [["09:00", "12:30"], ["14:00", "19:00"]], …},
    # Monday = "0"; None when only the free text of `opening_hours` is known.
    hours: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
