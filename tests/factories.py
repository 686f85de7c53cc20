"""Build catalogue, orders, returns and staff in one line, through the real services."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

from portal.extensions import db
from portal.models import Message, Order, RelayPoint, ReturnRequest, StaffUser, Variant
from portal.payments import provider_name
from portal.services import shop_sync, staff
from portal.services.policy import current_policy
from portal.services.returns import ItemChoice, ReturnDraft, create_return

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def _reference() -> str:
    return "tr_test" if provider_name() == "mollie" else "pi_test"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Factory:
    def variants(self, product: str = "TEE", price: int = 2500, **stock: int) -> list[Variant]:
        """factory.variants("TEE", M=3, L=1) -> variants TEE-M (3 in stock), TEE-L (1)."""
        stock = stock or {"M": 5, "L": 5}
        shop_sync.upsert_variants(
            {
                "variants": [
                    {
                        "sku": f"{product}-{size}",
                        "product": product,
                        "name": f"{product} shirt",
                        "size": size,
                        "colour": "Blue",
                        "price": price,
                        "currency": "EUR",
                        "stock": qty,
                    }
                    for size, qty in stock.items()
                ]
            }
        )
        return [db.session.query(Variant).filter_by(sku=f"{product}-{s}").one() for s in stock]

    def order(
        self,
        lines: list[tuple[str, int]] | None = None,
        *,
        number: str | None = None,
        email: str = "anne@example.fr",
        delivered_days_ago: int | None = 5,
        placed_days_ago: int | None = None,
        postcode: str = "75011",
        gift_code: str | None = None,
        final_sale: tuple[str, ...] = (),
        unit_price: int | None = None,
    ) -> Order:
        """An order for `lines` [(sku, quantity)]; builds TEE-M/TEE-L if none exist."""
        if lines is None:
            if db.session.query(Variant).filter_by(sku="TEE-M").first() is None:
                self.variants()
            lines = [("TEE-M", 1)]
        number = number or f"T-{next(_numbers):05d}"
        today = now()
        delivered = (
            today - timedelta(days=delivered_days_ago) if delivered_days_ago is not None else None
        )
        placed = today - timedelta(
            days=placed_days_ago if placed_days_ago is not None else (delivered_days_ago or 0) + 2
        )
        prices = {v.sku: v.price for v in db.session.query(Variant)}
        payload = {
            "email": email,
            "currency": "EUR",
            "placed_at": placed.isoformat(),
            "delivered_at": delivered.isoformat() if delivered else None,
            "shipping_address": {
                "name": "Anne Ørsted",
                "line1": "1 rue de la Paix",
                "postcode": postcode,
                "city": "Paris",
                "country": "FR",
            },
            # a payment id of the configured provider's shape (shop_sync checks it)
            "payment": {"method": "card", "reference": _reference()},
            "gift": {"code": gift_code, "message": "Pour toi"} if gift_code else None,
            "lines": [
                {
                    "sku": sku,
                    "quantity": qty,
                    "unit_price": unit_price if unit_price is not None else prices[sku],
                    "final_sale": sku in final_sale,
                }
                for sku, qty in lines
            ],
        }
        order, _ = shop_sync.upsert_order(number, payload)
        return order

    def relay_point(
        self, postcode: str = "75011", name: str = "Tabac de la Roquette"
    ) -> RelayPoint:
        point = RelayPoint(
            network="Mondial Relay",
            external_id=uuid.uuid4().hex[:8],
            name=name,
            address="10 rue de la Roquette",
            postcode=postcode,
            city="Paris",
            country="FR",
            latitude=48.855,
            longitude=2.374,
            opening_hours="Lun–Sam 9h–19h",
        )
        db.session.add(point)
        db.session.flush()
        return point

    def return_(
        self,
        order: Order | None = None,
        *,
        resolution: str = "refund",
        quantity: int = 1,
        exchange_sku: str | None = None,
        reason: str = "too_small",
        locale: str = "fr",
        with_label: bool = True,
    ) -> ReturnRequest:
        """A return of the order's first line (label issued by the local carrier)."""
        order = order or self.order()
        line = order.lines[0]
        exchange = (
            db.session.query(Variant).filter_by(sku=exchange_sku).one() if exchange_sku else None
        )
        if resolution == "exchange" and exchange is None:
            exchange = next(v for v in line.variant.product.variants if v.id != line.variant_id)
        rr = create_return(
            ReturnDraft(
                order_id=order.id,
                items=[
                    ItemChoice(
                        line.id,
                        quantity,
                        reason,
                        resolution,
                        exchange_variant_id=exchange.id if exchange else None,
                    )
                ],
                relay_point_id=self.relay_point().id,
                locale=locale,
                submission_key=uuid.uuid4().hex,
            ),
            policy=current_policy(),
            today=date.today(),
        )
        if with_label:
            from portal.services.labels import issue_label

            issue_label(rr)
        db.session.commit()
        return rr

    def staff(self, role: str = "warehouse", email: str | None = None) -> StaffUser:
        email = email or f"{role}-{next(_numbers)}@shop.example.com"
        user = staff.create_staff(email, role, PASSWORD)
        db.session.commit()
        return user

    def question(self, rr: ReturnRequest, body: str = "Where is my refund?", **kw) -> Message:
        """A customer's question on the return's thread (committed); `created_at=` to age it."""
        from portal.conversation.threads import ask

        message = ask(rr, body)
        for name, value in kw.items():
            setattr(message, name, value)
        db.session.commit()
        return message

    def repair(self, order: Order | None = None, **kwargs):
        """(return, repair case): a coffee grinder sent for repair (tests/repairs/build.py)."""
        from tests.repairs.build import repair

        return repair(self, order, **kwargs)
