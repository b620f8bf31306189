"""Pages: sign in, sign out, and the account page with its API tokens."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from peacetalks.errors import PeacetalksError
from peacetalks.storage.accounts import User
from peacetalks.web import security
from peacetalks.web.api._deps import RowId
from peacetalks.web.errors import TooManyAttemptsError
from peacetalks.web.pages._render import (
    LOGIN_CSRF_COOKIE,
    local_path,
    login_redirect,
    new_login_token,
    render,
    store_of,
)
from peacetalks.web.security import CSRF_FIELD, check_csrf, current_user

__all__ = ["router"]

router = APIRouter()

CurrentUser = Annotated[User | None, Depends(current_user)]
CsrfField = Annotated[str, Form(alias=CSRF_FIELD)]


def _login_form(
    request: Request,
    user: User | None,
    *,
    next_path: str,
    error: str = "",
    username: str = "",
    status_code: int = 200,
) -> Response:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        user,
        status_code=status_code,
        login_token=token,
        next_path=next_path,
        error=error,
        username=username,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=bool(request.app.state.settings.secure_cookies),
    )
    return response


@router.get("/login", include_in_schema=False)
def login_page(
    request: Request,
    user: CurrentUser,
    next_path: Annotated[str, Query(alias="next", max_length=2000)] = "/",
) -> Response:
    """Show the sign-in form (or who is signed in)."""
    return _login_form(request, user, next_path=local_path(next_path))


# A password field of a form.
PasswordField = Annotated[str, Form(max_length=2000)]


@router.post("/login", include_in_schema=False)
def login_submit(
    request: Request,
    user: CurrentUser,
    username: Annotated[str, Form(max_length=200)] = "",
    password: PasswordField = "",
    csrf_token: CsrfField = "",
    next_field: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    """Check the credentials; on success start a session and go to ``next``."""
    next_path = local_path(next_field)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_form(
            request,
            user,
            next_path=next_path,
            username=username,
            error="The form had expired. Sign in again.",
            status_code=400,
        )
    try:
        found = security.authenticate(request, username, password)
    except TooManyAttemptsError as e:
        response = _login_form(
            request, user, next_path=next_path, username=username, error=str(e), status_code=429
        )
        response.headers.update(e.headers or {})
        return response
    if found is None:
        return _login_form(
            request,
            user,
            next_path=next_path,
            username=username,
            error="The username or the password is wrong.",
            status_code=401,
        )
    response = RedirectResponse(next_path, status_code=303)
    security.login(response, store_of(request), found, request.app.state.settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
def logout_submit(request: Request, csrf_token: CsrfField = "") -> Response:
    """End the session and go to the scenario list."""
    check_csrf(request, csrf_token)
    response = RedirectResponse("/", status_code=303)
    security.logout(request, response)
    return response


def _account(
    request: Request,
    user: User,
    *,
    secret: str = "",
    error: str = "",
    password_message: str = "",
    password_error: str = "",
    status_code: int = 200,
) -> Response:
    tokens = store_of(request).accounts.tokens(user.username)
    return render(
        request,
        "account.html",
        user,
        status_code=status_code,
        tokens=tokens,
        secret=secret,
        error=error,
        password_message=password_message,
        password_error=password_error,
    )


@router.get("/account", include_in_schema=False)
def account_page(request: Request, user: CurrentUser) -> Response:
    """Show the signed-in user's role and API tokens."""
    if user is None:
        return login_redirect(request)
    return _account(request, user)


@router.post("/account/tokens", include_in_schema=False)
def create_token(
    request: Request,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)] = "",
    csrf_token: CsrfField = "",
) -> Response:
    """Create an API token and show its secret, once."""
    if user is None:
        return login_redirect(request)
    check_csrf(request, csrf_token)
    if not name.strip():
        return _account(request, user, error="Give the token a name.", status_code=422)
    try:
        secret, _token = store_of(request).accounts.create_token(user.username, name.strip())
    except PeacetalksError as e:
        return _account(request, user, error=str(e), status_code=422)
    return _account(request, user, secret=secret)


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_token(
    request: Request, token_id: RowId, user: CurrentUser, csrf_token: CsrfField = ""
) -> Response:
    """Revoke one of the user's API tokens."""
    if user is None:
        return login_redirect(request)
    check_csrf(request, csrf_token)
    try:
        store_of(request).accounts.revoke_token(user.username, token_id)
    except PeacetalksError as e:
        return _account(request, user, error=str(e), status_code=422)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    user: CurrentUser,
    current_password: PasswordField = "",
    new_password: PasswordField = "",
    csrf_token: CsrfField = "",
) -> Response:
    """Change the signed-in user's password; their other sessions and tokens end."""
    if user is None:
        return login_redirect(request)
    check_csrf(request, csrf_token)
    try:
        found = security.authenticate(request, user.username, current_password)
    except TooManyAttemptsError as e:
        response = _account(request, user, password_error=str(e), status_code=429)
        response.headers.update(e.headers or {})
        return response
    if found is None:
        return _account(
            request,
            user,
            password_error="The current password is wrong. Give the one you signed in with.",
            status_code=401,
        )
    try:
        ended = store_of(request).accounts.set_password(
            user.username,
            new_password,
            keep_session=security.session_secret(request),
        )
    except PeacetalksError as e:
        return _account(request, user, password_error=str(e), status_code=422)
    return _account(
        request,
        user,
        password_message=(
            f"Password changed. {ended} other session(s) and API token(s) ended; this "
            "session stays signed in."
        ),
    )
