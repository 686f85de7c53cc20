"""The returns policy and FAQ page follows the config, in both languages."""

import pytest


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RETURN_WINDOW_DAYS": 45,
        "STORE_CREDIT_BONUS_PERCENT": 10,
        "RETURN_SHIPPING_FEE": 450,
        "RESTOCKING_FEE_PERCENT": 15,
        "INSTANT_EXCHANGE": True,
        "HOLIDAY_RETURN_UNTIL": (2, 15),
    }


def test_policy_page_reflects_config_in_english(client):
    page = client.get("/policy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "45 days from delivery" in page
    assert "until 15 February" in page
    assert "€4.50" in page
    assert "15%" in page and "10%" in page
    assert "as soon as the carrier scans" in page


def test_policy_page_in_french(client):
    page = client.get("/policy", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "45 jours" in page
    assert "15 février" in page
    assert "4,50\xa0€" in page


def test_free_shipping_by_default(app_config):
    from portal import create_app

    app = create_app({**app_config, "RETURN_SHIPPING_FEE": 0})
    page = app.test_client().get("/policy", headers={"Accept-Language": "en"})
    assert "return shipping is free" in page.get_data(as_text=True)
