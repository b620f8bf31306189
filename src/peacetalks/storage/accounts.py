"""Accounts: users with scrypt-hashed passwords and roles, API tokens and browser sessions.

Secrets (API tokens, session ids) are made with :func:`secrets.token_urlsafe` and only
their SHA-256 is stored, so a copy of the database does not let anyone sign in. Reached
as ``store.accounts``; every write is one transaction of the store.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, cast, get_args

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peacetalks.errors import ParameterError, StorageError
from peacetalks.storage.models import ApiTokenRow, SessionRow, UserRow

__all__ = [
    "PASSWORD_LENGTHS",
    "ROLES",
    "SESSION_LIFETIME",
    "TOKEN_PREFIX",
    "USERNAME_PATTERN",
    "Accounts",
    "ApiToken",
    "Role",
    "User",
    "hash_password",
    "normalize_username",
    "verify_password",
]

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
PASSWORD_LENGTHS = (10, 1024)
TOKEN_PREFIX = "pt_"
SESSION_LIFETIME = dt.timedelta(hours=12)
# scrypt cost: n=2**14, r=8, p=1 takes about 50 ms and 16 MiB; stored with each hash so
# that it can be raised later without invalidating the hashes made before.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32
_MAX_SCRYPT_MEM = 256 * 1024 * 1024
# A token's last use is written at most this often, so that API calls seldom write.
_LAST_USED_RESOLUTION = dt.timedelta(seconds=60)
_TOKEN_NAME_LENGTH = 100
# Sessions kept in memory while the database cannot take new rows (a full disk), at most.
_MAX_MEMORY_SESSIONS = 10_000


def is_full(error: StorageError) -> bool:
    """Return whether a database error means the disk (or the database) is full.

    SQLite's SQLITE_FULL ("database or disk is full") and PostgreSQL's disk_full (SQLSTATE
    53100).
    """
    cause = getattr(error.__cause__, "orig", None) or error.__cause__
    if (
        getattr(cause, "sqlite_errorcode", None) == 13
        or getattr(cause, "sqlstate", None) == "53100"
    ):
        return True
    return "disk is full" in str(cause) or "No space left on device" in str(cause)


@dataclass(frozen=True)
class _MemorySession:
    username: str
    csrf: str
    expires_at: dt.datetime


_Transaction = Callable[..., AbstractContextManager[Session]]


@dataclass(frozen=True)
class User:
    """An account (never its password hash)."""

    id: int
    username: str
    role: Role
    created_at: dt.datetime


@dataclass(frozen=True)
class ApiToken:
    """An API token's record (never its secret, which is shown once on creation)."""

    id: int
    username: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_SCRYPT_MEM, dklen=length
    )


def hash_password(password: str) -> str:
    """Return the scrypt hash of a password as ``scrypt$n$r$p$salt_b64$hash_b64``.

    Parameters
    ----------
    password : str
        The password; its length is not checked here (see ``Accounts.create_user``).
    """
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _KEY_BYTES)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Return whether ``password`` matches a hash made by :func:`hash_password`.

    The comparison is constant-time; a malformed stored hash never matches.
    """
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
        key = _scrypt(password, salt, n, r, p, len(expected))
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(key, expected)


@functools.cache
def _dummy_hash() -> str:
    # Checked against when the username is unknown, so that a wrong username costs as
    # much time as a wrong password. Made on first use (a module import should not hash).
    return hash_password(secrets.token_urlsafe(16))


def _spend_one_hash(password: str) -> None:
    verify_password(password, _dummy_hash())


def _user(row: UserRow) -> User:
    return User(
        id=row.id, username=row.username, role=cast(Role, row.role), created_at=row.created_at
    )


def _token(row: ApiTokenRow, username: str) -> ApiToken:
    return ApiToken(
        id=row.id,
        username=username,
        name=row.name,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )


def normalize_username(username: str, *, where: str) -> str:
    """Return the stored (lowercase) form of a username, or raise if it is malformed."""
    if not isinstance(username, str) or USERNAME_PATTERN.fullmatch(username) is None:
        msg = (
            f"The 'username' parameter of {where} must be 1 to 64 characters of letters, "
            f"digits and _ . @ -. Got {username!r} instead. Choose a username like 'a.analyst'."
        )
        raise ParameterError(msg, parameter="username", value=username)
    return username.lower()


def _check_password(password: str, where: str) -> None:
    low, high = PASSWORD_LENGTHS
    if not isinstance(password, str) or not low <= len(password) <= high:
        got = (
            f"{len(password)} characters" if isinstance(password, str) else type(password).__name__
        )
        msg = (
            f"The 'password' parameter of {where} must be {low} to {high} characters long. "
            f"Got {got} instead. Choose a longer passphrase (several words work well)."
        )
        raise ParameterError(msg, parameter="password")


def _check_role(role: str, where: str) -> Role:
    if role not in ROLES:
        msg = (
            f"The 'role' parameter of {where} must be one of "
            f"{', '.join(map(repr, ROLES))}. Got {role!r} instead."
        )
        raise ParameterError(msg, parameter="role", value=role)
    return role


class Accounts:
    """Users, API tokens and sessions of a store (reached as ``store.accounts``).

    Parameters
    ----------
    transaction : callable
        The store's ``_transaction``: called as ``transaction(write=...)``, it gives a
        session inside one transaction that commits on success.
    """

    def __init__(self, transaction: _Transaction) -> None:
        self._transaction = transaction
        # Sessions started while the database could not store them (a full disk), by the
        # SHA-256 of their secret: signing in keeps working, and they end with the
        # process, on sign-out, on a password change, or when they expire.
        self._memory: dict[str, _MemorySession] = {}
        self._memory_lock = threading.Lock()

    # -- users ---------------------------------------------------------------------

    def count_users(self) -> int:
        """Return how many accounts exist (0 before the first is made)."""
        with self._transaction(write=False) as session:
            return session.scalar(select(func.count()).select_from(UserRow)) or 0

    def create_user(self, username: str, password: str, role: Role = "analyst") -> User:
        """Create an account and return it.

        Parameters
        ----------
        username : str
            1 to 64 characters of ``[A-Za-z0-9_.@-]``; stored in lowercase (usernames are
            case-insensitive).
        password : str
            10 to 1024 characters; stored as a scrypt hash.
        role : {"viewer", "analyst", "admin"}

        Raises
        ------
        ParameterError
            If the username, password or role is malformed.
        StorageError
            With ``kind="user"`` if the username is taken.
        """
        where = "Accounts.create_user"
        name = normalize_username(username, where=where)
        _check_password(password, where)
        checked = _check_role(role, where)
        hashed = hash_password(password)
        taken = (
            f"The username {name!r} is taken (usernames are case-insensitive). "
            "Choose another username."
        )
        try:
            with self._transaction(write=True) as session:
                if session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                    raise StorageError(taken, kind="user", value=name)
                row = UserRow(username=name, password_hash=hashed, role=checked, created_at=_now())
                session.add(row)
                session.flush()
                return _user(row)
        except StorageError as e:
            if isinstance(e.__cause__, IntegrityError):
                raise StorageError(taken, kind="user", value=name) from e
            raise

    def authenticate(self, username: str, password: str) -> User | None:
        """Return the user if the password is theirs, else ``None``.

        An unknown or malformed username still costs one scrypt hash, so the time taken
        does not tell whether the account exists.
        """
        row = None
        if isinstance(username, str) and USERNAME_PATTERN.fullmatch(username):
            with self._transaction(write=False) as session:
                row = session.scalars(
                    select(UserRow).where(UserRow.username == username.lower())
                ).first()
        if not isinstance(password, str):
            password = ""
        if row is None:
            _spend_one_hash(password)
            return None
        return _user(row) if verify_password(password, row.password_hash) else None

    def user(self, username: str) -> User:
        """Return an account by username (any case).

        Raises
        ------
        StorageError
            With ``kind="user"`` if there is no such account.
        """
        with self._transaction(write=False) as session:
            return _user(self._require_user(session, username))

    def users(self) -> list[User]:
        """Return every account, by username."""
        with self._transaction(write=False) as session:
            return [
                _user(row) for row in session.scalars(select(UserRow).order_by(UserRow.username))
            ]

    def set_role(self, username: str, role: Role) -> User:
        """Change a user's role and return the updated account.

        Raises
        ------
        ParameterError
            If the role is unknown.
        StorageError
            With ``kind="user"`` if there is no such account.
        """
        checked = _check_role(role, "Accounts.set_role")
        with self._transaction(write=True) as session:
            row = self._require_user(session, username)
            row.role = checked
            return _user(row)

    def set_password(self, username: str, password: str, *, keep_session: str | None = None) -> int:
        """Replace a user's password, ending its sessions and revoking its API tokens.

        Whoever held the old password may hold a session or a token made with it, so both
        end with it. ``keep_session`` (a session secret of the same user) stays signed in:
        a user changing their own password keeps the session they changed it from.
        Returns the number of sessions and tokens ended.

        Raises
        ------
        ParameterError
            If the password is shorter than 10 or longer than 1024 characters.
        StorageError
            With ``kind="user"`` if there is no such account.
        """
        _check_password(password, "Accounts.set_password")
        hashed = hash_password(password)
        with self._transaction(write=True) as session:
            user = self._require_user(session, username)
            user.password_hash = hashed
            ended = select(SessionRow).where(SessionRow.user_id == user.id)
            if isinstance(keep_session, str) and keep_session:
                ended = ended.where(SessionRow.secret_sha256 != _sha256(keep_session))
            rows: list[SessionRow | ApiTokenRow] = [*session.scalars(ended)]
            rows += session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == user.id))
            for row in rows:
                session.delete(row)
            ended_in_memory = self._end_memory_sessions(user.username, keep_session)
            return len(rows) + ended_in_memory

    def _end_memory_sessions(self, username: str, keep_session: str | None) -> int:
        """End a user's sessions kept in memory (but ``keep_session``); return how many."""
        kept = _sha256(keep_session) if isinstance(keep_session, str) and keep_session else None
        with self._memory_lock:
            ending = [
                digest
                for digest, held in self._memory.items()
                if held.username == username and digest != kept
            ]
            for digest in ending:
                del self._memory[digest]
        return len(ending)

    def _require_user(self, session: Session, username: str) -> UserRow:
        name = username.lower() if isinstance(username, str) else username
        row = session.scalars(select(UserRow).where(UserRow.username == name)).first()
        if row is None:
            count = session.scalar(select(func.count()).select_from(UserRow)) or 0
            msg = (
                f"No user {username!r} in the store ({count} account"
                f"{'' if count == 1 else 's'}). Check the spelling, or create the account "
                "with create_user."
            )
            raise StorageError(msg, kind="user", value=username)
        return row

    # -- API tokens ----------------------------------------------------------------

    def create_token(self, username: str, name: str) -> tuple[str, ApiToken]:
        """Create an API token for a user; return its secret (shown once) and its record.

        The secret is ``"pt_"`` and 43 URL-safe characters; only its SHA-256 is stored.

        Raises
        ------
        ParameterError
            If the name is empty or longer than 100 characters.
        StorageError
            With ``kind="user"`` if there is no such account.
        """
        label = name.strip() if isinstance(name, str) else ""
        if not 1 <= len(label) <= _TOKEN_NAME_LENGTH:
            msg = (
                "The 'name' parameter of Accounts.create_token must be 1 to "
                f"{_TOKEN_NAME_LENGTH} characters saying what the token is for. "
                f"Got {name!r} instead. Name it after its use, like 'nightly report'."
            )
            raise ParameterError(msg, parameter="name", value=name)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._transaction(write=True) as session:
            user = self._require_user(session, username)
            row = ApiTokenRow(
                user_id=user.id, name=label, token_sha256=_sha256(secret), created_at=_now()
            )
            session.add(row)
            session.flush()
            return secret, _token(row, user.username)

    def user_for_token(self, secret: str) -> User | None:
        """Return the user an API token secret belongs to, or ``None`` if it is unknown.

        Records the token's last use (at most once a minute, so that calls seldom write).
        """
        if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX):
            return None
        digest = _sha256(secret)
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ApiTokenRow, UserRow)
                .join(UserRow, UserRow.id == ApiTokenRow.user_id)
                .where(ApiTokenRow.token_sha256 == digest)
            ).first()
        if found is None:
            return None
        token, user = found
        now = _now()
        if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_RESOLUTION:
            with self._transaction(write=True) as session:
                row = session.get(ApiTokenRow, token.id)
                if row is None:  # revoked in between
                    return None
                row.last_used_at = now
        return _user(user)

    def tokens(self, username: str) -> list[ApiToken]:
        """Return a user's API tokens, oldest first.

        Raises
        ------
        StorageError
            With ``kind="user"`` if there is no such account.
        """
        with self._transaction(write=False) as session:
            user = self._require_user(session, username)
            rows = session.scalars(
                select(ApiTokenRow).where(ApiTokenRow.user_id == user.id).order_by(ApiTokenRow.id)
            )
            return [_token(row, user.username) for row in rows]

    def revoke_token(self, username: str, token_id: int) -> None:
        """Delete one of a user's API tokens; it stops working at once.

        Raises
        ------
        StorageError
            With ``kind="user"`` if there is no such account, ``kind="token"`` if the user
            has no token with this id.
        """
        with self._transaction(write=True) as session:
            user = self._require_user(session, username)
            row = session.get(ApiTokenRow, token_id)
            if row is None or row.user_id != user.id:
                ids = list(
                    session.scalars(
                        select(ApiTokenRow.id)
                        .where(ApiTokenRow.user_id == user.id)
                        .order_by(ApiTokenRow.id)
                    )
                )
                known = f"their tokens are {', '.join(map(str, ids))}" if ids else "they have none"
                msg = (
                    f"User {user.username!r} has no API token {token_id!r}; {known}. "
                    "List them with tokens()."
                )
                raise StorageError(msg, kind="token", value=token_id)
            session.delete(row)

    # -- sessions ------------------------------------------------------------------

    def create_session(
        self, username: str, *, lifetime: dt.timedelta = SESSION_LIFETIME
    ) -> tuple[str, str]:
        """Start a session for a user; return its secret (for the cookie) and CSRF token.

        Only the SHA-256 of the secret is stored. Expired sessions of every user are
        deleted on the way.

        Raises
        ------
        ParameterError
            If the lifetime is not positive.
        StorageError
            With ``kind="user"`` if there is no such account.
        """
        if not isinstance(lifetime, dt.timedelta) or lifetime <= dt.timedelta(0):
            msg = (
                "The 'lifetime' parameter of Accounts.create_session must be a positive "
                f"timedelta. Got {lifetime!r} instead. Use e.g. timedelta(hours=12)."
            )
            raise ParameterError(msg, parameter="lifetime", value=lifetime)
        secret = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        try:
            with self._transaction(write=True) as session:
                user = self._require_user(session, username)
                session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
                session.add(
                    SessionRow(
                        user_id=user.id,
                        secret_sha256=_sha256(secret),
                        csrf_token=csrf,
                        created_at=now,
                        expires_at=now + lifetime,
                    )
                )
        except StorageError as e:
            if e.kind != "database" or not is_full(e):
                raise
            # The disk is full: sign in all the same, with the session in memory.
            name = self.user(username).username
            with self._memory_lock:
                live = {k: v for k, v in self._memory.items() if v.expires_at > now}
                if len(live) >= _MAX_MEMORY_SESSIONS:
                    raise
                live[_sha256(secret)] = _MemorySession(name, csrf, now + lifetime)
                self._memory = live
        return secret, csrf

    def session(self, secret: str) -> tuple[User, str] | None:
        """Return the user and CSRF token of a live session, or ``None``.

        An unknown secret gives ``None``; so does an expired session, which is deleted.
        """
        if not isinstance(secret, str) or not secret:
            return None
        digest = _sha256(secret)
        with self._transaction(write=False) as session:
            found = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.secret_sha256 == digest)
            ).first()
        if found is None:
            return self._memory_session(digest)
        row, user = found
        if row.expires_at <= _now():
            with self._transaction(write=True) as session:
                session.execute(delete(SessionRow).where(SessionRow.id == row.id))
            return None
        return _user(user), row.csrf_token

    def _memory_session(self, digest: str) -> tuple[User, str] | None:
        """Return the user and CSRF token of a live session kept in memory, or ``None``."""
        with self._memory_lock:
            kept = self._memory.get(digest)
            if kept is not None and kept.expires_at <= _now():
                del self._memory[digest]
                kept = None
        if kept is None:
            return None
        try:
            return self.user(kept.username), kept.csrf
        except StorageError:
            return None

    def end_session(self, secret: str) -> None:
        """Delete a session (signing out); an unknown secret is ignored."""
        if not isinstance(secret, str) or not secret:
            return
        with self._memory_lock:
            if self._memory.pop(_sha256(secret), None) is not None:
                return
        with self._transaction(write=True) as session:
            session.execute(delete(SessionRow).where(SessionRow.secret_sha256 == _sha256(secret)))
