"""API tokens (``/api/tokens``) and, for admins, accounts (``/api/users``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from peacetalks.errors import StorageError
from peacetalks.storage.accounts import ApiToken, Role
from peacetalks.web import security
from peacetalks.web.api._deps import ERRORS, Admin, RowId, SignedIn, StoreDep
from peacetalks.web.api.auth import UserOut, user_out
from peacetalks.web.errors import ConflictError

__all__ = [
    "NewToken",
    "NewTokenOut",
    "NewUser",
    "TokenOut",
    "TokensOut",
    "UserChange",
    "UsersOut",
    "router",
]

router = APIRouter(tags=["accounts"])


class TokenOut(BaseModel):
    """An API token's record (its secret is shown only when it is created)."""

    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class NewTokenOut(TokenOut):
    """A new API token with its secret, shown this once."""

    token: str


class TokensOut(BaseModel):
    """The signed-in user's API tokens."""

    tokens: list[TokenOut]


class NewToken(BaseModel):
    """What a new token is for."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100)]


def _token(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id, name=token.name, created_at=token.created_at, last_used_at=token.last_used_at
    )


@router.get("/tokens", responses=ERRORS)
def list_tokens(user: SignedIn, store: StoreDep) -> TokensOut:
    """List your API tokens."""
    return TokensOut(tokens=[_token(t) for t in store.accounts.tokens(user.username)])


@router.post("/tokens", status_code=201, responses=ERRORS)
def create_token(body: NewToken, user: SignedIn, store: StoreDep) -> NewTokenOut:
    """Create an API token; its secret (``pt_...``) is in the answer, and only there.

    Send it as ``Authorization: Bearer pt_...``; it acts with your role.
    """
    secret, token = store.accounts.create_token(user.username, body.name)
    return NewTokenOut(token=secret, **_token(token).model_dump())


@router.delete("/tokens/{token_id}", status_code=204, responses=ERRORS)
def revoke_token(token_id: RowId, user: SignedIn, store: StoreDep) -> Response:
    """Revoke one of your API tokens; it stops working at once."""
    store.accounts.revoke_token(user.username, token_id)
    return Response(status_code=204)


class UsersOut(BaseModel):
    """Every account."""

    users: list[UserOut]


class NewUser(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    role: Role = "analyst"


class UserChange(BaseModel):
    """A new role or password for an account (either or both)."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    password: Annotated[str, Field(min_length=1, max_length=1024)] | None = None


@router.get("/users", responses=ERRORS)
def list_users(_admin: Admin, store: StoreDep) -> UsersOut:
    """List every account (admins only)."""
    return UsersOut(users=[user_out(u) for u in store.accounts.users()])


@router.post("/users", status_code=201, responses={**ERRORS, 409: ERRORS[422]})
def create_user(body: NewUser, _admin: Admin, store: StoreDep) -> UserOut:
    """Create an account (admins only): viewer (reads), analyst (writes, runs), admin."""
    try:
        user = store.accounts.create_user(body.username, body.password, body.role)
    except StorageError as e:
        if e.kind == "user":
            raise ConflictError(str(e)) from None
        raise
    return user_out(user)


@router.patch("/users/{username}", responses=ERRORS)
def change_user(
    request: Request, username: str, body: UserChange, admin: Admin, store: StoreDep
) -> UserOut:
    """Change an account's role or password (admins only).

    A new password ends every session and revokes every API token of the account. An
    admin cannot take the admin role from themselves, so that one admin always remains.
    """
    user = store.accounts.user(username)
    if body.role is not None and body.role != "admin" and user.username == admin.username:
        raise ConflictError(
            "You cannot take the admin role from yourself: the server would risk having no "
            "admin. Make another account admin first, and let it change your role."
        )
    if body.password is not None:
        # An admin changing their own password stays signed in on this session.
        keep = security.session_secret(request) if user.username == admin.username else None
        store.accounts.set_password(user.username, body.password, keep_session=keep)
    if body.role is not None:
        user = store.accounts.set_role(user.username, body.role)
    return user_out(user)
