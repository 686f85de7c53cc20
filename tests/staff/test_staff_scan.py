"""The scan station: one focused input; a scanner types the code and Enter."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.services.labels import reissue_label
from tests.staff.staffkit import page


@pytest.fixture
def rr(factory, warehouse):
    return factory.return_()


def scan(client, code):
    return client.post("/staff/scan", data={"code": code})


def test_the_scan_page_has_one_focused_labelled_input(client, warehouse):
    shown = page(client.get("/staff/scan")).page
    inputs = [c for c in shown.controls if c.type not in ("hidden", "submit")]
    assert [c.attrs["id"] for c in inputs] == ["scan-code"] and "autofocus" in inputs[0].attrs
    assert shown.soup.select_one('label[for="scan-code"]').get_text() == (
        "Tracking number or return number"
    )


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "  {code}\n", "{spaced}"])
def test_the_tracking_number_opens_the_return(client, rr, typed):
    code = rr.current_label.tracking_code
    typed = typed.format(code=code, lower=code.lower(), spaced=" ".join([code[:4], code[4:]]))
    response = scan(client, typed)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/returns/{rr.rma}"


@pytest.mark.parametrize("how", [str, str.lower, lambda r: r.replace("-", ""), lambda r: f" {r} "])
def test_the_return_number_opens_the_return(client, rr, how):
    response = scan(client, how(rr.rma))
    assert response.headers["Location"] == f"/staff/returns/{rr.rma}"


def test_an_old_label_still_finds_its_return(client, rr):
    old = rr.current_label.tracking_code
    reissue_label(rr, actor_type="staff", actor="s")
    db.session.commit()
    assert rr.current_label.tracking_code != old
    assert scan(client, old).headers["Location"] == f"/staff/returns/{rr.rma}"


def test_an_unknown_code_says_so_and_keeps_focus(client, rr):
    response = scan(client, "XX123456789FR")
    assert response.status_code == 404
    text = page(response)
    assert "Nothing found for “XX123456789FR”. Check the code and scan again." in text
    field = text.page.ids["scan-code"]
    assert field.has_attr("autofocus")
    assert field.get("value", "") == ""  # cleared, ready for the next scan


def test_an_empty_scan_asks_for_a_code(client, warehouse):
    response = scan(client, "   ")
    assert response.status_code == 404
    assert "Scan a label or type a tracking or return number." in page(response)


def test_an_old_label_warns_that_it_was_replaced_and_still_opens_the_return(client, rr):
    old = rr.current_label.tracking_code
    reissue_label(rr, actor_type="staff", actor="s")
    db.session.commit()
    new = rr.current_label.tracking_code
    response = scan(client, old.lower())
    assert response.headers["Location"] == f"/staff/returns/{rr.rma}"
    shown = page(client.get(response.headers["Location"]))
    alert = shown.page.soup.select_one(".flash-warning")
    assert alert is not None and alert.get("role") == "alert"
    assert "This label was replaced on" in alert.get_text()
    assert "the parcel may carry the old label" in alert.get_text()
    assert new in alert.get_text() and shown.page.by_id("rma") == rr.rma


def test_the_current_label_opens_without_a_warning(client, rr):
    reissue_label(rr, actor_type="staff", actor="s")
    db.session.commit()
    response = scan(client, rr.current_label.tracking_code)
    shown = page(client.get(response.headers["Location"]))
    assert shown.page.soup.select_one(".flash-warning") is None
    assert "replaced" not in shown


def test_the_warning_is_in_french_for_a_french_worker(client, rr):
    old = rr.current_label.tracking_code
    reissue_label(rr, actor_type="staff", actor="s")
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = scan(client, old)
    alert = page(client.get(response.headers["Location"])).page.soup.select_one(".flash-warning")
    assert "Cette étiquette a été remplacée le" in alert.get_text()
