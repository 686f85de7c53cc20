"""Which carriers the shop offers, and the one that makes a return's label.

A network is offered when its credentials are in the config (docs/carriers.md):

- Mondial Relay: MONDIAL_RELAY_ENSEIGNE and MONDIAL_RELAY_PRIVATE_KEY;
- Colissimo: COLISSIMO_CONTRACT_NUMBER and COLISSIMO_PASSWORD;
- EasyPost: EASYPOST_API_KEY (it buys from whichever carrier is cheapest);
- none of them: the local demo carrier (its label says it is valid for no network).

A return's label comes from the carrier of the network its drop-off point belongs to; a return
without a point (drop at any point or post office) names its network in `network`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from portal.carriers.base import Carrier, CarrierError

MONDIAL_RELAY = "Mondial Relay"
COLISSIMO = "Colissimo"


@dataclass(frozen=True)
class Network:
    """A way to send the parcel that the shop offers."""

    key: str  # the carrier's name, as stored on labels: "mondial_relay", "colissimo", …
    network: str  # the relay network's name, as on RelayPoint.network ("" when none)
    has_points: bool  # the customer chooses a point of this network


def offered_networks(config: Mapping[str, Any] | None = None) -> list[Network]:
    """The networks whose credentials are set, in the order they are shown."""
    config = current_app.config if config is None else config
    offered = []
    if config.get("MONDIAL_RELAY_ENSEIGNE") and config.get("MONDIAL_RELAY_PRIVATE_KEY"):
        offered.append(Network("mondial_relay", MONDIAL_RELAY, True))
    if config.get("COLISSIMO_CONTRACT_NUMBER") and config.get("COLISSIMO_PASSWORD"):
        offered.append(Network("colissimo", COLISSIMO, False))
    if config.get("EASYPOST_API_KEY"):
        offered.append(Network("easypost", "", True))
    if not offered:
        offered.append(Network("local", "", True))
    return offered


def carrier_named(name: str, config: Mapping[str, Any] | None = None) -> Carrier:
    """The carrier called `name` (a label's `carrier`), built from the config."""
    config = current_app.config if config is None else config
    if name == "mondial_relay":
        from portal.carriers.mondial_relay import MondialRelayCarrier

        if not (config.get("MONDIAL_RELAY_ENSEIGNE") and config.get("MONDIAL_RELAY_PRIVATE_KEY")):
            raise CarrierError("Mondial Relay credentials are not set", retryable=False)
        return MondialRelayCarrier.from_config(config)
    if name == "colissimo":
        from portal.carriers.colissimo import ColissimoCarrier

        if not (config.get("COLISSIMO_CONTRACT_NUMBER") and config.get("COLISSIMO_PASSWORD")):
            raise CarrierError("Colissimo credentials are not set", retryable=False)
        return ColissimoCarrier.from_config(config)
    if name == "easypost":
        from portal.carriers.easypost_carrier import EasyPostCarrier

        if not config.get("EASYPOST_API_KEY"):
            raise CarrierError("EASYPOST_API_KEY is not set", retryable=False)
        return EasyPostCarrier.from_config(config)
    if name == "local":
        from portal.carriers.local import LocalRelayCarrier

        return LocalRelayCarrier()
    raise CarrierError(f"unknown carrier {name!r}", retryable=False)


def carrier_for_network(network: str | None) -> str:
    """The carrier name for a relay network name (a point's `network`), among those offered;
    the first offered one when the network is not offered or not given."""
    offered = offered_networks()
    for candidate in offered:
        if network and candidate.network and candidate.network == network:
            return candidate.key
    # A point imported for a network we have no credentials for: EasyPost or the demo carrier
    # take it as before; a real network never makes a label for another one's point.
    for candidate in offered:
        if not candidate.network:
            return candidate.key
    return offered[0].key


def get_carrier(network: str | None = None) -> Carrier:
    """The carrier for a return whose drop-off point is in `network` (see module doc)."""
    return carrier_named(carrier_for_network(network))
