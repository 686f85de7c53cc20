def test_pages_do_not_leak_status_tokens_as_referrer(client):
    response = client.get("/")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_secure_cookie_when_served_over_https(app_config):
    from portal import create_app

    app = create_app({**app_config, "PUBLIC_URL": "https://returns.example.com"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
