"""Security headers on every response, the OpenAPI schema, and the settings' checks."""

from __future__ import annotations

import pytest

from peacetalks.errors import ParameterError
from peacetalks.web import WebSettings
from peacetalks.web.security import SECURITY_HEADERS
from tests.web.conftest import Api

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/health", 200),
        ("GET", "/api/scenarios", 200),
        ("GET", "/api/scenarios/no-such", 404),
        ("POST", "/api/scenarios", 401),
        ("DELETE", "/api/health", 405),
        ("GET", "/api/no-such-endpoint", 404),
        ("GET", "/openapi.json", 200),
        ("GET", "/assets/charts.js", 200),
        ("GET", "/", 200),
        ("GET", "/login", 200),
    ],
)
def test_every_response_has_the_security_headers(
    api: Api, method: str, path: str, status: int
) -> None:
    """Check the CSP, frame, sniffing and referrer headers on answers of every kind."""
    with api.client() as client:
        response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert dict(SECURITY_HEADERS)["Content-Security-Policy"] == CSP


def test_api_answers_are_not_cached(api: Api) -> None:
    """Check that API answers carry Cache-Control: no-store."""
    with api.client("ann") as client:
        assert client.get("/api/auth/me").headers["cache-control"] == "no-store"


def test_unknown_endpoint_error_is_json(api: Api) -> None:
    """Check that an unknown API path answers the one JSON error shape."""
    with api.client() as client:
        response = client.get("/api/no-such-endpoint")
    assert response.json() == {
        "error": {
            "type": "NotFoundError",
            "message": "No page or endpoint at '/api/no-such-endpoint'. See /openapi.json.",
        }
    }


def test_openapi_schema_lists_every_endpoint_and_no_docs_page(api: Api) -> None:
    """Check that /openapi.json is served, documents the API, and /docs is not (CSP)."""
    with api.client() as client:
        schema = client.get("/openapi.json").json()
        docs = client.get("/docs")
    paths = schema["paths"]
    for path in (
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/tokens",
        "/api/tokens/{token_id}",
        "/api/users",
        "/api/users/{username}",
        "/api/scenarios",
        "/api/scenarios/validate",
        "/api/scenarios/import",
        "/api/scenarios/{scenario_id}",
        "/api/scenarios/{scenario_id}/yaml",
        "/api/scenarios/{scenario_id}/versions",
        "/api/scenarios/{scenario_id}/shares",
        "/api/scenarios/{scenario_id}/shares/{grantee}",
        "/api/runs",
        "/api/runs/{run_id}",
        "/api/scenarios/{scenario_id}/agreements/{agreement}/events",
        "/api/scenarios/{scenario_id}/agreements/{agreement}/events/import",
        "/api/scenarios/{scenario_id}/agreements/{agreement}/track",
    ):
        assert path in paths, path
    for kind in ("evaluate", "deals", "forecast", "ratify", "stress", "negotiate"):
        operation = paths[f"/api/scenarios/{{scenario_id}}/analyses/{kind}"]["post"]
        assert "202" in operation["responses"]
        assert "requestBody" in operation
    assert not [p for p in paths if not p.startswith("/api/")]  # pages are not in the schema
    assert docs.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "max_body_bytes",
            10,
            "The 'max_body_bytes' setting of WebSettings must be an int in [1024, 1e+09]. Got 10 instead.",
        ),
        (
            "job_seconds",
            0,
            "The 'job_seconds' setting of WebSettings must be a number in [0.01, 86400]. Got 0 instead.",
        ),
        (
            "job_workers",
            1.5,
            "The 'job_workers' setting of WebSettings must be an int in [1, 64]. Got 1.5 instead.",
        ),
        (
            "session_hours",
            float("nan"),
            "The 'session_hours' setting of WebSettings must be a number in [0.01, 8760]. Got nan instead.",
        ),
    ],
)
def test_settings_are_checked(field: str, value: object, message: str) -> None:
    """Check that out-of-range settings are refused with the usual sentence."""
    with pytest.raises(ParameterError) as caught:
        WebSettings(**{field: value})  # type: ignore[arg-type]
    assert str(caught.value) == message
