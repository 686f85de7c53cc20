"""Faults from outside: SMTP down, a worker killed mid-batch, the database connection
killed mid-request, the carrier failing in each documented way. Every request
answers, nothing is lost, nothing is half-written; the invariants hold at the end."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError

from portal import outbox
from portal.extensions import db
from portal.models import OutboxMessage, Refund, ReturnRequest
from portal.models.base import utcnow
from portal.services import audit as audit_service
from portal.services import labels, payments, warehouse
from tests.customer.pagekit import confirm, page
from tests.fakes.easypost_server import FakeEasyPost
from tests.reliability.faulty_smtp import SMTP_FAILURES, SlowMailbox, aiosmtpd_server, smtp_failing
from tests.reliability.invariants import assert_invariants
from tests.reliability.journeys import customer_at_review, staff_browser
from tests.reliability.kit import on_postgres, rounds
from tests.staff.staffkit import page as staff_page

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop(factory):
    factory.variants("TEE", M=5000, L=5000)
    point = factory.relay_point()
    db.session.commit()
    return point


def unique_email() -> str:
    return f"c-{uuid.uuid4().hex[:10]}@example.fr"


def make_mail_due() -> None:
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


# -- SMTP down ---------------------------------------------------------------------------


@pytest.mark.guarantee("No e-mail is lost while the SMTP server is down")
@pytest.mark.parametrize("mode", SMTP_FAILURES)
def test_smtp_down_then_back(app, factory, shop, smtp_server, mailbox, attempts, mode):
    """The customer confirms while SMTP fails: the page answers with the label; the
    e-mail waits in the outbox with the error, and goes out once when SMTP is back."""
    good_url = smtp_server[1]
    for _ in range(rounds(scale=0.1)):
        order = factory.order(email=unique_email())
        db.session.commit()
        with smtp_failing(mode) as url:
            app.config["SMTP_URL"] = url
            client = customer_at_review(app, order, shop, resolution="refund")
            response = confirm(client)
            assert response.status_code == 302 and "/r/" in response.headers["Location"]
            shown = page(client.get(response.headers["Location"])).text
            assert "Tracking number" in shown
        db.session.expire_all()
        rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.order_id == order.id))
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.return_id == rr.id))
        assert (row.status, row.attempts) == ("pending", 1) and row.last_error
        assert mailbox.to(order.email) == []
        app.config["SMTP_URL"] = good_url
        make_mail_due()
        outbox.deliver_due()
        assert mailbox.kinds(order.email) == ["confirmation"]
        attempts.add(1)
    assert_invariants()


# -- a worker killed mid-batch -------------------------------------------------------------


@pytest.mark.guarantee("No e-mail is lost when a worker is killed mid-batch")
def test_worker_killed_mid_batch(app, factory, shop, tmp_path, attempts):
    """A real `flask outbox deliver` process is killed with SIGKILL while it sends a
    batch; once its lease runs out, another worker sends the rest. Every message
    arrives; at most the one in flight at the kill arrives twice."""
    batch = 8
    box = SlowMailbox(delay=0.15)
    with aiosmtpd_server(box) as url:
        app.config["SMTP_URL"] = url
        for round_ in range(rounds(scale=0.1)):
            box.clear()
            made = [factory.return_(factory.order(email=unique_email())) for _ in range(batch)]
            env = os.environ | {
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "SMTP_URL": url,
                "SECRET_KEY": "worker-test",
                "RETOURS_INSTANCE_PATH": str(tmp_path / "instance"),
                "PUBLIC_URL": "http://portal.test",
            }
            worker = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "deliver"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            kill_after = random.Random(round_).randint(1, batch - 2)
            deadline = time.monotonic() + 180  # a loaded machine starts the worker slowly
            while len(box.messages) < kill_after and time.monotonic() < deadline:
                time.sleep(0.01)
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            delivered_at_kill = len(box.messages)
            assert delivered_at_kill >= kill_after, "the worker never got going"
            assert delivered_at_kill < batch, "the worker finished before it was killed"
            db.session.expire_all()
            states = Counter(db.session.scalars(select(OutboxMessage.status)))
            assert states["sending"] >= batch - delivered_at_kill - 1, states
            # the lease runs out; another worker takes over
            outbox.deliver_due()
            assert Counter(db.session.scalars(select(OutboxMessage.status)))["sending"] > 0
            make_mail_due()
            outbox.deliver_due()
            db.session.expire_all()
            assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}
            per_return = Counter(m["X-Retours-RMA"] for m in box.messages)
            assert set(per_return) == {rr.rma for rr in made}  # nothing lost
            assert sum(n - 1 for n in per_return.values()) <= 1, per_return  # one in flight
            attempts.add(1, messages=batch, killed_after=delivered_at_kill)
            db.session.execute(update(OutboxMessage).values(status="sent"))
            db.session.commit()
    assert_invariants()


# -- the database connection killed mid-request ----------------------------------------------


def kill_my_connection() -> None:
    """PostgreSQL: terminate this session's backend from another connection, as an
    operator or a failover would; the request's next statement fails. SQLite has no
    server to lose: the next statement fails as a broken disk would make it."""
    if on_postgres():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
    else:
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))


def armed(real, when=lambda *a, **k: True):
    """`real`, killing the connection the first time `when` holds."""
    state = {"armed": True}

    def wrapper(*args, **kwargs):
        if state["armed"] and when(*args, **kwargs):
            state["armed"] = False
            kill_my_connection()
        return real(*args, **kwargs)

    return wrapper


def answered_please_try_again(response) -> None:
    """A 503 in the shop's words (never a raw 500 or a traceback), with Retry-After."""
    assert response.status_code == 503, response.status_code
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "OperationalError" not in body
    shown = page(response).text
    assert "We could not finish this just now" in shown
    assert "Nothing was changed. Please try again in a moment." in shown
    assert "contact Maison Lin: service@maison-lin.example, +33 1 84 80 12 34" in shown


@pytest.mark.guarantee(
    "A request whose database connection dies answers, and leaves nothing half-written"
)
@pytest.mark.parametrize("where", ["creating the return", "issuing the label", "refunding"])
def test_connection_killed_mid_request(app, factory, shop, mailbox, monkeypatch, attempts, where):
    """The connection dies inside the request (on PostgreSQL `pg_terminate_backend`
    from another session): the page is a 503 "please try again" in the shop's words,
    nothing of the request is kept, and the click that follows works."""
    for _ in range(rounds(scale=0.1)):
        order = factory.order(email=unique_email())
        db.session.commit()
        if where == "refunding":
            rr = factory.return_(order, with_label=False)
            item = rr.items[0]
            warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
            warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
            db.session.commit()
            client = staff_browser(app, factory.staff("support"))
            monkeypatch.setattr(payments, "settle", armed(payments.settle))
            url = f"/staff/returns/{rr.rma}/items/{item.id}/refund"
            answered_please_try_again(client.post(url))
            db.session.rollback()
            assert (
                db.session.scalar(
                    select(func.count()).select_from(Refund).where(Refund.return_item_id == item.id)
                )
                == 0
            )
            assert_invariants()
            shown = staff_page(client.post(url, follow_redirects=True))  # staff try again
            assert "Refund of €25.00 recorded" in shown
        else:
            client = customer_at_review(
                app,
                order,
                shop,
                resolution="exchange",
                exchange=order.lines[0].variant.product.variants[1],
            )
            if where == "creating the return":
                monkeypatch.setattr(
                    audit_service,
                    "record",
                    armed(
                        audit_service.record, lambda rr, action, **k: action == "return_requested"
                    ),
                )
            else:
                monkeypatch.setattr(labels, "notify", armed(labels.notify))
            answered_please_try_again(confirm(client))
            db.session.rollback()
            made = db.session.scalars(
                select(ReturnRequest).where(ReturnRequest.order_id == order.id)
            ).all()
            if where == "creating the return":
                assert made == []  # nothing half-written: no return, no reservation
            else:
                assert [(r.status, r.current_label) for r in made] == [("requested", None)]
            assert_invariants()
            response = confirm(client)  # the customer clicks again
            assert response.status_code == 302 and "/r/" in response.headers["Location"]
            db.session.expire_all()
            rr = db.session.scalars(
                select(ReturnRequest).where(ReturnRequest.order_id == order.id)
            ).one()
            if where == "issuing the label":  # the worker finishes the label
                rr.created_at = utcnow() - timedelta(hours=1)
                db.session.commit()
                assert labels.retry_pending_labels() == 1
                db.session.expire_all()
            assert rr.status == "label_issued" and rr.current_label is not None
        monkeypatch.undo()
        attempts.add(1)
        assert_invariants()


@pytest.mark.guarantee(
    "A request whose database connection dies answers, and leaves nothing half-written"
)
def test_connection_killed_mid_api_request(app, factory, api_token, monkeypatch, attempts):
    """The shop's API (and the webhooks under the same rule) answer a dead connection
    with a JSON 503 and Retry-After, so the caller retries; the retry is answered."""
    from portal.api import routes

    order = factory.order(email=unique_email())
    db.session.commit()
    headers = {"Authorization": f"Bearer {api_token}", "Accept-Language": "en"}
    url = f"/api/v1/orders/{order.number}"
    for _ in range(rounds(scale=0.1)):
        monkeypatch.setattr(routes, "order_or_404", armed(routes.order_or_404))
        response = app.test_client().get(url, headers=headers)
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "5"
        body = response.get_json()
        assert body["error"] == "service_unavailable"
        assert "Please try again in a moment." in body["message"]
        monkeypatch.undo()
        db.session.rollback()
        response = app.test_client().get(url, headers=headers)  # the caller retries
        assert response.status_code == 200 and response.get_json()["number"] == order.number
        attempts.add(1)


# -- the carrier failing -----------------------------------------------------------------------

CARRIER_FAILURES = [
    (endpoint, mode)
    for endpoint in ("create", "buy")
    for mode in ("500", "503", "429", "402", "drop", "drop_after", "slow")
    if not (endpoint == "create" and mode in ("drop_after", "slow"))
]


@pytest.fixture
def easypost():
    fake = FakeEasyPost(slow_seconds=1.5).start()
    yield fake
    fake.stop()


@pytest.mark.guarantee("Whatever the carrier does, each return gets exactly one paid label")
def test_carrier_failing_in_every_documented_way(app, factory, shop, easypost, mailbox, attempts):
    app.config.update(
        EASYPOST_API_KEY=easypost.api_key, EASYPOST_API_BASE=easypost.url, EASYPOST_TIMEOUT=1
    )
    made: list[int] = []
    for _ in range(rounds(scale=0.05)):
        for endpoint, mode in CARRIER_FAILURES:
            order = factory.order(email=unique_email())
            db.session.commit()
            client = customer_at_review(app, order, shop, resolution="refund")
            easypost.fail(endpoint, mode)
            response = confirm(client)
            assert response.status_code == 302 and "/r/" in response.headers["Location"]
            shown = page(client.get(response.headers["Location"])).text
            assert "being prepared" in shown or "Tracking number" in shown
            db.session.expire_all()
            made.append(
                db.session.scalar(
                    select(ReturnRequest.id).where(ReturnRequest.order_id == order.id)
                )
            )
            attempts.add(1)
        for _ in range(4):  # the worker, with the waits over (and staff funding the account)
            db.session.execute(
                update(ReturnRequest)
                .where(ReturnRequest.status == "requested")
                .values(label_next_attempt_at=utcnow() - timedelta(seconds=1))
            )
            labels.unblock_labels()
            db.session.commit()
            labels.retry_pending_labels(limit=100)
    db.session.expire_all()
    returns = db.session.scalars(select(ReturnRequest).where(ReturnRequest.id.in_(made))).all()
    assert {r.status for r in returns} == {"label_issued"}
    bought = Counter(easypost.shipments[p.shipment_id]["reference"] for p in easypost.purchases)
    assert all(bought[r.rma] == 1 for r in returns), bought
    make_mail_due()
    outbox.deliver_due()
    for rr in returns:
        assert mailbox.kinds(rr.contact_email).count("confirmation") == 1
    assert_invariants()
