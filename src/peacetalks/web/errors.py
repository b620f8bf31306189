"""Errors of the web layer, and the handlers that turn every error into one JSON shape.

Every error the API returns has the body::

    {"error": {"type": "ScenarioError", "message": "...", "problems": [...]}}

``message`` is the message the command line prints for the same mistake; ``problems``
(scenario errors and request validation only) lists ``path``, ``line`` and ``message``
of each problem. Pages (paths outside ``/api``) get an HTML error page instead.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from peacetalks.errors import (
    NotFoundError,
    PeacetalksError,
    ScenarioError,
    StorageError,
)

__all__ = [
    "API_PREFIX",
    "AuthenticationError",
    "ConflictError",
    "CsrfError",
    "MalformedRequestError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "TooManyAttemptsError",
    "TooManyJobsError",
    "WebError",
    "error_body",
    "error_response",
    "install_error_handlers",
    "status_of",
]

API_PREFIX = "/api"
_log = logging.getLogger("peacetalks.web")

PageErrorRenderer = Callable[[Request, int, str, str], Awaitable[Response]]


class WebError(PeacetalksError):
    """An error of a request, with the HTTP status it answers with.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    headers : dict, optional
        Extra response headers (``WWW-Authenticate``, ``Retry-After``).
    """

    status_code = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = headers or {}


class MalformedRequestError(WebError):
    """The request cannot be read: malformed JSON, an unreadable upload (400)."""

    status_code = 400


class AuthenticationError(WebError):
    """The request needs a signed-in user, or its credentials are wrong (401)."""

    status_code = 401

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer", **(headers or {})})


class PermissionDeniedError(WebError, PermissionError):
    """The signed-in user's role or ownership does not allow the request (403)."""

    status_code = 403


class CsrfError(PermissionDeniedError):
    """An unsafe request with a session cookie lacks the session's CSRF token (403)."""


class ConflictError(WebError):
    """The request conflicts with what exists: a taken id or username (409)."""

    status_code = 409


class PreconditionFailedError(WebError):
    """The request's ``If-Match`` names a version that is no longer the newest (412)."""

    status_code = 412


class PayloadTooLargeError(StarletteHTTPException):
    """The request body is larger than the server accepts (413).

    An ``HTTPException`` (not a ``PeacetalksError``) so that it passes through the body
    parsing of FastAPI, which turns other errors into 400.

    Parameters
    ----------
    limit : int
        The largest body accepted, in bytes.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        message = (
            f"The request body is larger than the limit of {limit:,} bytes. Send a smaller "
            "body (a smaller scenario or file), or ask the administrator to raise the limit."
        )
        super().__init__(status_code=413, detail=message)


class TooManyAttemptsError(WebError):
    """Too many failed sign-ins for a username or from an address (429)."""

    status_code = 429


class TooManyJobsError(WebError):
    """The user already has as many analyses queued or running as the server allows (429)."""

    status_code = 429


def status_of(error: PeacetalksError) -> int:
    """Return the HTTP status that answers an error."""
    if isinstance(error, WebError):
        return error.status_code
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, StorageError):
        if error.kind in ("scenario", "version", "run", "user", "token"):
            return 404
        return 503 if error.kind == "database" else 409
    return 422


def _problems(error: ScenarioError) -> list[dict[str, Any]]:
    return [{"path": p.path, "line": p.line, "message": p.message} for p in error.problems]


def error_body(error: PeacetalksError) -> dict[str, Any]:
    """Return the JSON body of an error: ``{"error": {"type", "message", "problems"?}}``."""
    detail: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, ScenarioError):
        detail["problems"] = _problems(error)
    return {"error": detail}


def error_response(
    status_code: int,
    type_name: str,
    message: str,
    *,
    problems: Sequence[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Return a JSON error response in the API's one shape."""
    detail: dict[str, Any] = {"type": type_name, "message": message}
    if problems is not None:
        detail["problems"] = list(problems)
    return JSONResponse({"error": detail}, status_code=status_code, headers=headers)


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/") or path == "/openapi.json"


def _location(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _validation_problems(error: RequestValidationError) -> list[dict[str, Any]]:
    problems = []
    for item in error.errors():
        loc = tuple(item.get("loc", ()))
        message = str(item.get("msg", "invalid value"))
        if "input" in item and item.get("type") not in ("missing", "json_invalid"):
            shown = repr(item["input"])
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            message = f"{message}. Got {shown} instead."
        problems.append({"path": _location(loc), "line": None, "message": message})
    return problems


class _Handlers:
    """The exception handlers, with the app's page renderer for non-API paths."""

    def __init__(
        self, render_page: PageErrorRenderer | None, headers: dict[str, str] | None
    ) -> None:
        self.render_page = render_page
        self.headers = headers or {}

    async def _answer(
        self,
        request: Request,
        status_code: int,
        type_name: str,
        message: str,
        *,
        problems: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if self.render_page is not None and not _is_api(request):
            response = await self.render_page(request, status_code, type_name, message)
            if headers:
                response.headers.update(headers)
            return response
        return error_response(status_code, type_name, message, problems=problems, headers=headers)

    async def peacetalks(self, request: Request, exc: Exception) -> Response:
        exc = cast(PeacetalksError, exc)  # registered for this class only
        body = error_body(exc)["error"]
        headers = exc.headers if isinstance(exc, WebError) else None
        return await self._answer(
            request,
            status_of(exc),
            body["type"],
            body["message"],
            problems=body.get("problems"),
            headers=headers,
        )

    async def validation(self, request: Request, exc: Exception) -> Response:
        exc = cast(RequestValidationError, exc)  # registered for this class only
        errors = exc.errors()
        if errors and errors[0].get("type") == "json_invalid":
            reason = errors[0].get("ctx", {}).get("error", "malformed JSON")
            position = errors[0].get("loc", ("body", 0))[-1]
            message = (
                f"The request body is not valid JSON: {reason} at character {position}. "
                "Send a JSON document with Content-Type: application/json."
            )
            return await self._answer(request, 400, "MalformedRequestError", message)
        problems = _validation_problems(exc)
        lines = [f"{p['path']}: {p['message']}" if p["path"] else p["message"] for p in problems]
        if len(lines) == 1:
            message = f"The request is invalid: {lines[0]}"
        else:
            message = f"The request has {len(lines)} problems:\n" + "\n".join(
                f"  - {line}" for line in lines
            )
        return await self._answer(
            request, 422, "RequestValidationError", message, problems=problems
        )

    async def http(self, request: Request, exc: Exception) -> Response:
        exc = cast(StarletteHTTPException, exc)  # registered for this class only
        names = {
            400: "MalformedRequestError",
            401: "AuthenticationError",
            403: "PermissionDeniedError",
            404: "NotFoundError",
            405: "MethodNotAllowed",
            413: "PayloadTooLargeError",
        }
        type_name = names.get(exc.status_code, "HTTPError")
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"No page or endpoint at {request.url.path!r}. See /openapi.json."
        elif exc.status_code == 405:
            message = f"The method {request.method} is not allowed on {request.url.path!r}."
        headers = dict(exc.headers) if exc.headers else None
        return await self._answer(request, exc.status_code, type_name, message, headers=headers)

    async def unexpected(self, request: Request, exc: Exception) -> Response:
        _log.exception("unexpected error on %s %s", request.method, request.url.path)
        message = (
            "The server failed on this request. It is a bug of peacetalks; the server's log "
            "has the details."
        )
        # Answered outside the middleware that adds the security headers: add them here.
        response = await self._answer(request, 500, "InternalError", message)
        response.headers.update(self.headers)
        return response


def install_error_handlers(
    app: FastAPI,
    *,
    render_page: PageErrorRenderer | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Register the handlers that answer every error with JSON (or a page outside the API).

    Parameters
    ----------
    app : FastAPI
    render_page : callable, optional
        ``await render_page(request, status, title, message)`` gives the HTML error page
        for a path outside ``/api``; without it, every path gets JSON.
    headers : dict, optional
        Headers for the answer to an unexpected error (500), which the middlewares do
        not see.
    """
    handlers = _Handlers(render_page, headers)
    app.add_exception_handler(PeacetalksError, handlers.peacetalks)
    app.add_exception_handler(RequestValidationError, handlers.validation)
    app.add_exception_handler(StarletteHTTPException, handlers.http)
    app.add_exception_handler(Exception, handlers.unexpected)
