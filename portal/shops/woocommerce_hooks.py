"""A WooCommerce store's webhooks: list them, register ours (REST API v3 `webhooks`)."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.shops.platform import PlatformError


def listed(client) -> list[dict]:
    found = client.body(client.get("webhooks", {"per_page": 100}), list)
    return [
        {
            "id": w.get("id"),
            "topic": w.get("topic"),
            "address": w.get("delivery_url"),
            "status": w.get("status"),
        }
        for w in found
        if isinstance(w, dict)
    ]


def register(client, url: str, secret: str | None, topics) -> list[str]:
    """Each topic to `url`, signed with `secret`; a webhook already there (same topic, same
    URL, active) is kept. The topics added; PlatformError when the store refuses or there
    is no secret to sign with."""
    if not secret:
        raise PlatformError(
            "permission",
            _(
                "Set WOOCOMMERCE_WEBHOOK_SECRET first: the webhooks are signed with it "
                "and /webhooks/woocommerce checks it."
            ),
        )
    have = {(w["topic"], w["address"]) for w in listed(client) if w.get("status") == "active"}
    made = []
    for topic in topics:
        if (topic, url) in have:
            continue
        body = {
            "name": f"Retours {topic}",
            "topic": topic,
            "delivery_url": url,
            "secret": secret,
            "status": "active",
        }
        client.body(client.post("webhooks", body))
        made.append(topic)
    return made
