"""Schemathesis against the OpenAPI document we publish, in process (WSGI), with a token.

Every operation under /api/v1 gets the examples, coverage and fuzzing phases and every
check Schemathesis has: no 5xx, statuses, content types, headers and bodies as
documented, schema-valid requests accepted and invalid ones refused, the token required.

One check is made precise rather than left out: a schema-valid body may still be refused
with a 422 by a rule the document cannot state (an unknown SKU, a SKU priced in another
currency, a number that differs from the URL's). Such a 422 passes only when the
document's own schema finds nothing wrong with the body; if it does, the document let
through what the API refuses, and the test fails. The one thing JSON Schema cannot say
is "2.0 is not an integer" (its data model has one number 2): the document says in words
that amounts are never floats, and the API refuses 2.0; that refusal is allowed too.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.extensions import db
from portal.services import shop_sync, validation
from portal.services.credits import issue_credit
from tests.api.conftest import VARIANT

pytestmark = pytest.mark.hostile

# the schema each request body is checked against, by operation
BODY_SCHEMAS = {
    "putCatalog": "CatalogUpsert",
    "putOrder": "OrderInput",
    "redeemCredit": "RedeemRequest",
}


def all_checks() -> list:
    load_all_checks()
    return [check for check in CHECKS.get_all() if check is not positive_data_acceptance]


def integral_floats_as_ints(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: integral_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral_floats_as_ints(v) for v in value]
    return value


@schemathesis.check
def positive_data_acceptance_or_a_stated_rule(ctx, response, case):
    """positive_data_acceptance, except for a 422 that the document's schema agrees with."""
    if response.status_code == 422 and case.meta is not None:
        if case.meta.generation.mode.is_positive:
            name = BODY_SCHEMAS[case.operation.definition.raw["operationId"]]
            problems = validation.errors(name, integral_floats_as_ints(case.body))
            assert not problems, (
                f"the document accepts this body, the API refused it: {problems}\n"
                f"body: {case.body!r}"
            )
        return None
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture
def shop(app, api_token):
    """A catalogue of one variant and one store credit, so that some requests succeed."""
    app.config["EASYPOST_WEBHOOK_SECRET"] = "whsec-test"
    shop_sync.upsert_variants({"variants": [VARIANT]})
    issue_credit(
        amount=5000,
        currency="EUR",
        owner_name="Zoë Lefèvre",
        owner_email="zoe@example.fr",
        kind="goodwill",
    )
    db.session.commit()
    return app


# The document as the app serves it (test_openapi checks that they are the same).
schema = schemathesis.openapi.from_dict(validation.document()).include(path_regex="^/api/v1/")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    # the same cases on every run (CI stays reproducible); SCHEMATHESIS_RANDOM=1 explores
    derandomize=os.environ.get("SCHEMATHESIS_RANDOM") != "1",
)
def test_the_api_keeps_to_its_document(case, shop, api_token):
    case.operation.schema.app = shop  # checks that send requests of their own use it
    headers = {"Authorization": f"Bearer {api_token}"}
    response = case.call(app=shop, headers=headers)
    case.validate_response(
        response,
        checks=[*all_checks(), positive_data_acceptance_or_a_stated_rule],
        headers=headers,
        transport_kwargs={"app": shop, "headers": headers},
    )
