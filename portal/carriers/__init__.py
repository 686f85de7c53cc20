"""Pick the carrier from config: EasyPost when its API key is set, else the local one."""

from __future__ import annotations

from flask import current_app

from portal.carriers.base import Carrier


def get_carrier() -> Carrier:
    config = current_app.config
    if config.get("EASYPOST_API_KEY"):
        from portal.carriers.easypost_carrier import EasyPostCarrier

        return EasyPostCarrier.from_config(config)
    from portal.carriers.local import LocalRelayCarrier

    return LocalRelayCarrier()
