"""Schemathesis against the OpenAPI schema of a live server: no request makes a 5xx.

The server is its own (a fresh SQLite store, analyses limited to 2 seconds), signed in
with an admin's API token so that every endpoint is reached, not only its 401. The
schema is built from the API's routes at import (schemathesis parametrizes at collection)
and checked to be the one the server serves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from peacetalks.web import WebSettings, api
from tests.web.conftest import add_users, serving


def _schema_document() -> dict[str, Any]:
    app = FastAPI()
    app.include_router(api.router, prefix="/api")
    return app.openapi()


DOCUMENT = _schema_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Serve a fresh app; give its URL and an admin's API token."""
    data = tmp_path_factory.mktemp("schemathesis")
    with serving(WebSettings(db=str(data), job_seconds=2, max_body_bytes=200_000)) as server:
        store = server.app.state.store
        add_users(store)
        store.accounts.create_user("fuzzer", "correct horse battery staple", "admin")
        for _ in range(20):  # token ids the fuzzer may revoke are other users'
            store.accounts.create_token("ada", "decoy")
        token = store.accounts.create_token("fuzzer", "schemathesis")[0]
        yield server.url, token


def test_the_fuzzed_schema_is_the_served_one(fuzzed: tuple[str, str]) -> None:
    """Check that the schema fuzzed here has the paths and components the server serves."""
    url, _ = fuzzed
    served = httpx.get(f"{url}/openapi.json").json()
    assert served["paths"] == DOCUMENT["paths"]
    assert served["components"] == DOCUMENT["components"]


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_makes_a_server_error(
    case: schemathesis.Case[Any], fuzzed: tuple[str, str]
) -> None:
    """Check that generated requests never answer 5xx and answer documented statuses."""
    url, token = fuzzed
    case.call_and_validate(
        base_url=url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance],
    )
