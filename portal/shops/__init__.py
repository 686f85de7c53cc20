"""Shop platform connectors. Shopify first: orders in through the Admin REST API
(`shopify`), mapped into our orders (`shopify_orders`), kept fresh by webhooks
(portal/api/shopify_webhooks.py) and the `flask shop sync` command; the access token is
kept encrypted (`secrets`). See docs/shops.md."""


def init_app(app) -> None:
    """Register the platform connectors (portal/shops/platform.py `PLATFORMS`)."""
    from portal.shops import calls, shopify_platform

    shopify_platform.register()
    calls.init_app(app)
