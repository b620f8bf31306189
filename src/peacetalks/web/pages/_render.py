"""Templates, the context every page shares, and HTML error pages."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from peacetalks.errors import PeacetalksError
from peacetalks.storage import Store
from peacetalks.storage.accounts import User
from peacetalks.web.security import current_user, session_csrf

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "TEMPLATES",
    "TEMPLATES_DIR",
    "error_page",
    "local_path",
    "login_redirect",
    "new_login_token",
    "number",
    "render",
    "render_error_page",
    "safe_url",
    "store_of",
]

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# The login form's own CSRF token (double-submit cookie): there is no session yet.
LOGIN_CSRF_COOKIE = "pt_login_csrf"


def safe_url(value: object) -> str | None:
    """Return an http(s) address as given, or None for anything else (javascript:, data:)."""
    text = str(value or "")
    return text if urlsplit(text).scheme in ("http", "https") else None


def number(value: object, digits: int = 2) -> str:
    """Return a number with a fixed count of decimals (an en dash for None)."""
    if value is None:
        return "\N{EN DASH}"
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]  # numbers only


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["number"] = number
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def store_of(request: Request) -> Store:
    """Return the application's store."""
    store: Store = request.app.state.store
    return store


def local_path(value: str | None, default: str = "/") -> str:
    """Return ``value`` if it is a path on this site (no scheme, host or ``//``), else default."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    return default if parts.scheme or parts.netloc else value


def render(
    request: Request,
    template: str,
    user: User | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with the shared context: the user, the session's CSRF token, the path."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    # Where "Sign in" comes back to: this page, unless it is the sign-in page itself.
    here = "/" if request.url.path == "/login" else local_path(here)
    shared = {
        "user": user,
        "csrf": session_csrf(request) if user is not None else None,
        "path": request.url.path,
        "here": here,
    }
    return TEMPLATES.TemplateResponse(
        request, template, {**shared, **context}, status_code=status_code
    )


def error_page(
    request: Request, user: User | None, status_code: int, title: str, message: str
) -> HTMLResponse:
    """Render an error page (404, 403, 400) with a message that says what to do."""
    return render(
        request,
        "error.html",
        user,
        status_code=status_code,
        title=title,
        message=message,
    )


_TITLES = {
    400: "Bad request",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Cannot be processed",
    429: "Too many attempts",
    503: "Unavailable",
}
_CSRF_MESSAGE = (
    "The form was sent without this session's security token: it may be from before you "
    "signed in again, or from another site. Go back, reload the page and send it again."
)


async def render_error_page(
    request: Request, status_code: int, type_name: str, message: str
) -> Response:
    """Render the HTML error page of a failed page request (for the app's error handlers).

    Parameters
    ----------
    request : Request
    status_code : int
    type_name : str
        The error's class name (``"CsrfError"``, ``"NotFoundError"``).
    message : str
        What went wrong and how to fix it.
    """
    try:
        user = await current_user(request)
    except PeacetalksError:  # a bad API token on a page: show the page as anonymous
        user = None
    if type_name == "CsrfError":
        message = _CSRF_MESSAGE
    title = "Server error" if status_code >= 500 else _TITLES.get(status_code, "Error")
    return error_page(request, user, status_code, title, message)


def login_redirect(request: Request) -> Response:
    """Send the visitor to the login page, coming back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def new_login_token() -> str:
    """Return a fresh token for the login form's double-submit cookie."""
    return secrets.token_urlsafe(32)
