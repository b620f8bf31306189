"""Signing in and out, and who is signed in: ``/api/auth``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from peacetalks.storage.accounts import Role, User
from peacetalks.web import security
from peacetalks.web.api._deps import ERRORS, CurrentUser, SignedIn, settings_of, store_of
from peacetalks.web.errors import AuthenticationError

__all__ = [
    "LoginBody",
    "PasswordChange",
    "PasswordChanged",
    "SessionOut",
    "UserOut",
    "router",
    "user_out",
]

router = APIRouter(prefix="/auth", tags=["accounts"])


class UserOut(BaseModel):
    """An account: its username, role and creation time."""

    username: str
    role: Role
    created_at: dt.datetime


def user_out(user: User) -> UserOut:
    """Return an account as the API shows it (never its password)."""
    return UserOut(username=user.username, role=user.role, created_at=user.created_at)


# A password as a request body carries it (its own rules are checked by the store).
PasswordText = Annotated[str, Field(min_length=1, max_length=2000)]


class LoginBody(BaseModel):
    """A username and password."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=200)]
    password: PasswordText


class SessionOut(BaseModel):
    """The signed-in user and the session's CSRF token (None when signed in by token)."""

    user: UserOut
    csrf_token: str | None


@router.post("/login", responses={**ERRORS, 429: ERRORS[401]})
def login(request: Request, response: Response, body: LoginBody) -> SessionOut:
    """Sign in: set the session cookie and return the CSRF token for unsafe requests.

    Send the token as the ``X-CSRF-Token`` header with every POST, PUT, PATCH or DELETE
    that carries the cookie. Repeated failures for a username or from an address are
    refused for a while (429).
    """
    user = security.authenticate(request, body.username, body.password)
    if user is None:
        msg = "The username or the password is wrong. Check both and sign in again."
        raise AuthenticationError(msg)
    csrf = security.login(response, store_of(request), user, settings_of(request))
    return SessionOut(user=user_out(user), csrf_token=csrf)


@router.post("/logout", status_code=204, responses=ERRORS)
def logout(request: Request, response: Response) -> None:
    """Sign out: end the session and clear its cookie."""
    security.logout(request, response)


@router.get("/me", responses=ERRORS)
def me(request: Request, user: CurrentUser) -> SessionOut:
    """Return the signed-in user and, for a session, its CSRF token; 401 when anonymous."""
    if user is None:
        msg = "Nobody is signed in. Sign in with POST /api/auth/login or send an API token."
        raise AuthenticationError(msg)
    return SessionOut(user=user_out(user), csrf_token=security.session_csrf(request))


class PasswordChange(BaseModel):
    """The signed-in user's current password and the new one."""

    model_config = ConfigDict(extra="forbid")

    current_password: PasswordText
    new_password: PasswordText


class PasswordChanged(BaseModel):
    """How many of the user's other sessions and API tokens the change ended."""

    ended: int


@router.post("/password", responses={**ERRORS, 429: ERRORS[401]})
def change_password(request: Request, body: PasswordChange, user: SignedIn) -> PasswordChanged:
    """Change your own password (10 to 1024 characters), giving the current one.

    Every other session of yours ends and every API token of yours is revoked, since
    whoever knew the old password may hold one; the session you change it from stays
    signed in (changed with an API token, that token is revoked too). A wrong current
    password answers 401 and counts as a failed sign-in.
    """
    if security.authenticate(request, user.username, body.current_password) is None:
        msg = (
            "The current password is wrong. Give the password you signed in with as "
            "'current_password'."
        )
        raise AuthenticationError(msg)
    ended = store_of(request).accounts.set_password(
        user.username, body.new_password, keep_session=security.session_secret(request)
    )
    return PasswordChanged(ended=ended)
