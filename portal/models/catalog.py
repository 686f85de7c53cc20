from __future__ import annotations

from flask import has_app_context
from flask_babel import get_locale
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    returnable: Mapped[bool] = mapped_column(default=True)
    weight_grams: Mapped[int] = mapped_column(default=400)
    # the manufacturer's or shop's warranty; None: the policy's default (WARRANTY_MONTHS)
    warranty_months: Mapped[int | None] = mapped_column()

    variants: Mapped[list[Variant]] = relationship(back_populates="product", order_by="Variant.id")


class Variant(db.Model):
    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("stock_on_hand >= 0", name="stock_on_hand_not_negative"),
        CheckConstraint("stock_reserved >= 0", name="stock_reserved_not_negative"),
        CheckConstraint("stock_reserved <= stock_on_hand", name="reserved_within_stock"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[str] = mapped_column(String(32), default="")
    colour: Mapped[str] = mapped_column(String(64), default="")
    price: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    stock_on_hand: Mapped[int] = mapped_column(default=0)
    stock_reserved: Mapped[int] = mapped_column(default=0)
    returnable: Mapped[bool] = mapped_column(default=True)
    # the shop's picture of this variant (https), shown next to the item; None: its initial
    image_url: Mapped[str | None] = mapped_column(String(2000))
    # the catalogue's own words in other languages: {"en": {"name": …, "colour": …}}
    translations: Mapped[dict | None] = mapped_column(JSON)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def available(self) -> int:
        return self.stock_on_hand - self.stock_reserved

    @property
    def is_returnable(self) -> bool:
        return self.returnable and self.product.returnable

    @property
    def display_name(self) -> str:
        """'Organic T-shirt (Blue · M)': what the customer calls it, in the language of the
        page or e-mail being made when the catalogue gives one."""
        return f"{self.name} ({self.label})" if self.label else self.name

    @property
    def name(self) -> str:
        """The product's name, in the reader's language when the catalogue gives it."""
        return self._words().get("name") or self.product.name

    @property
    def colour_name(self) -> str:
        """The colour, in the reader's language when the catalogue gives it."""
        return self._words().get("colour") or self.colour

    @property
    def label(self) -> str:
        return self._label(self.colour_name)

    def _label(self, colour: str) -> str:
        return " · ".join(p for p in (colour, self.size) if p)

    def _words(self) -> dict:
        if not self.translations or not has_app_context():
            return {}
        locale = get_locale()
        found = self.translations.get(str(locale)) if locale is not None else None
        return found if isinstance(found, dict) else {}
