"""The lookup's rate limits (per address, and per order number or gift code), counted in
one trip to the limiter's storage.

`LOOKUP_RATE_LIMIT` ("10 per minute;50 per hour") applies to both keys. Flask-Limiter
counts each decorated limit with its own call to the storage: on Redis, one round trip per
limit and key, four for the lookup as configured, two at least. Here every counter of the
attempt goes in one Lua script call on Redis (the storage's own connection and key
prefix, and Flask-Limiter's key layout, so the counters are those its decorators kept); on
any other storage (memory in tests and development) one `incr` each, as Flask-Limiter does.
Fixed windows, as Flask-Limiter's default strategy: an attempt counts against every
counter, refused or not, and is refused when any counter is over its limit. With the
storage down the attempt is not counted and goes through (`RATELIMIT_SWALLOW_ERRORS`, as
Flask-Limiter's own limits do), logged.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from werkzeug.exceptions import TooManyRequests

from portal.extensions import limiter

# KEYS: the counters; ARGV: their windows in seconds. Each counter is incremented and,
# when new, given its window, as `limits`' own incr script does for one key.
INCR_ALL = """
local counts = {}
for i, key in ipairs(KEYS) do
    local current = redis.call("incrby", key, 1)
    if current == 1 then
        redis.call("expire", key, ARGV[i])
    end
    counts[i] = current
end
return counts
"""
_SCRIPTS = "portal.lookup_limits.script"


@lru_cache(maxsize=8)
def _items(setting: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(setting))


def check(*keys: str) -> None:
    """Count this attempt under `keys` (and the client's address); 429 if over a limit."""
    if not (limiter.enabled and limiter.initialized):
        return
    items = _items(current_app.config["LOOKUP_RATE_LIMIT"])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    scope = request.endpoint or ""
    counters = [
        (item, item.key_for(*((prefix,) if prefix else ()), key, scope))
        for key in (get_remote_address(), *keys)
        for item in items
    ]
    try:
        counts = _count(counters)
    except Exception as exc:  # the storage is down (RedisError, a timeout…)
        if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS", True):
            raise
        current_app.logger.warning("lookup limits not counted: %s", exc.__class__.__name__)
        return
    if any(int(count) > item.amount for (item, _key), count in zip(counters, counts, strict=True)):
        raise TooManyRequests()


def _count(counters: list) -> list:
    storage = limiter.storage
    if isinstance(storage, RedisStorage):
        script = _script(storage)
        return script(
            [storage.prefixed_key(key) for _item, key in counters],
            [item.get_expiry() for item, _key in counters],
        )
    return [storage.incr(key, item.get_expiry()) for item, key in counters]


def _script(storage: RedisStorage):
    scripts = current_app.extensions.setdefault(_SCRIPTS, {})
    found = scripts.get(id(storage))
    if found is None or found[0] is not storage:
        found = (storage, storage.get_connection().register_script(INCR_ALL))
        scripts[id(storage)] = found
    return found[1]
