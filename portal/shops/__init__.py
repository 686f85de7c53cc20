"""Shop platform connectors: Shopify (`shopify_*`), WooCommerce (`woocommerce_*`) and
PrestaShop (`prestashop_*`), each a `platform.Platform` registered here. Orders come in by
`flask shop sync` (and webhooks, or `shop poll` for PrestaShop); refunds, credit, stock
holds and replacement orders go out after commit (`calls`); credentials are kept
encrypted (`credentials`, `secrets`). See docs/shops.md."""


def init_app(app) -> None:
    """Register the platform connectors (portal/shops/platform.py `PLATFORMS`)."""
    from portal.shops import calls, prestashop_platform, shopify_platform, woocommerce_platform

    shopify_platform.register()
    woocommerce_platform.install()
    prestashop_platform.install()
    calls.init_app(app)
