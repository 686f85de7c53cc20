from __future__ import annotations

from sqlalchemy import Float, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class RelayPoint(db.Model):
    """A drop-off point of a relay network, imported from the network's CSV list."""

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
