import base64
import datetime as dt
import hashlib
import re
import threading
import time

import pytest
from sqlalchemy import func, select, update

from peacetalks.errors import ParameterError
from peacetalks.storage import ROLES, StorageError, Store, User
from peacetalks.storage.accounts import hash_password, verify_password
from peacetalks.storage.models import ApiTokenRow, SessionRow, UserRow

PASSWORD = "olive branch at dawn"


def _rows(store: Store, table: type[UserRow | ApiTokenRow | SessionRow]) -> list[object]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(table)))


def test_create_and_authenticate(store: Store) -> None:
    """Check that a new user signs in with the password, under any case of the username."""
    assert store.accounts.count_users() == 0
    user = store.accounts.create_user("Mediator.One", PASSWORD)
    assert isinstance(user, User)
    assert (user.username, user.role) == ("mediator.one", "analyst")
    assert user.created_at.tzinfo is not None
    assert store.accounts.count_users() == 1
    assert store.accounts.authenticate("mediator.one", PASSWORD) == user
    assert store.accounts.authenticate("MEDIATOR.ONE", PASSWORD) == user
    assert store.accounts.user("Mediator.ONE") == user
    assert store.accounts.users() == [user]


def test_password_is_stored_as_scrypt_only(store: Store) -> None:
    """Check that the row holds a scrypt hash with its parameters, never the password."""
    store.accounts.create_user("envoy", PASSWORD)
    with store.engine.connect() as connection:
        stored = connection.scalar(select(UserRow.password_hash))
    assert stored is not None
    assert PASSWORD not in stored
    assert re.fullmatch(r"scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}", stored)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + "!", stored)


def test_hashes_are_salted_and_parameters_are_read_back() -> None:
    """Check that two hashes of one password differ and a cheaper stored cost still verifies."""
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    # A hash made with other parameters verifies with those (so they can be raised later).
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**10, r=8, p=1, dklen=32)
    old = f"scrypt$1024$8$1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    assert verify_password(PASSWORD, old)
    for broken in ("", "md5$x", "scrypt$a$8$1$xx$yy", "scrypt$1024$8$1$!!$??", old + "$extra"):
        assert not verify_password(PASSWORD, broken)


def test_wrong_password_and_unknown_user(store: Store) -> None:
    """Check that a wrong password, an unknown user or a malformed name give None."""
    store.accounts.create_user("envoy", PASSWORD)
    assert store.accounts.authenticate("envoy", "olive branch at dusk") is None
    assert store.accounts.authenticate("envoy", "") is None
    assert store.accounts.authenticate("nobody", PASSWORD) is None
    assert store.accounts.authenticate("not a name!", PASSWORD) is None


def test_unknown_user_costs_a_hash(store: Store) -> None:
    """Check that an unknown username takes about as long as a wrong password (one scrypt)."""
    store.accounts.create_user("envoy", PASSWORD)
    store.accounts.authenticate("nobody", PASSWORD)  # the dummy hash is made on first use

    def timed(username: str) -> float:
        start = time.perf_counter()
        store.accounts.authenticate(username, "wrong password here")
        return time.perf_counter() - start

    known = min(timed("envoy") for _ in range(3))
    unknown = min(timed("nobody") for _ in range(3))
    assert unknown > 0.5 * known


def test_duplicate_username_is_refused_case_insensitively(store: Store) -> None:
    """Check that a taken username (in any case) raises StorageError kind='user'."""
    store.accounts.create_user("envoy", PASSWORD)
    with pytest.raises(StorageError) as info:
        store.accounts.create_user("ENVOY", "another long passphrase")
    assert str(info.value) == (
        "The username 'envoy' is taken (usernames are case-insensitive). Choose another username."
    )
    assert (info.value.kind, info.value.value) == ("user", "envoy")
    assert store.accounts.count_users() == 1
    assert store.accounts.authenticate("envoy", PASSWORD) is not None


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        (
            "",
            PASSWORD,
            "analyst",
            "The 'username' parameter of Accounts.create_user must be 1 to 64 characters of "
            "letters, digits and _ . @ -. Got '' instead. Choose a username like 'a.analyst'.",
        ),
        (
            "with space",
            PASSWORD,
            "analyst",
            "The 'username' parameter of Accounts.create_user must be 1 to 64 characters of "
            "letters, digits and _ . @ -. Got 'with space' instead. "
            "Choose a username like 'a.analyst'.",
        ),
        ("x" * 65, PASSWORD, "analyst", None),
        ("élise", PASSWORD, "analyst", None),
        (
            "envoy",
            "short",
            "analyst",
            "The 'password' parameter of Accounts.create_user must be 10 to 1024 characters "
            "long. Got 5 characters instead. Choose a longer passphrase (several words work "
            "well).",
        ),
        ("envoy", "x" * 1025, "analyst", None),
        (
            "envoy",
            PASSWORD,
            "root",
            "The 'role' parameter of Accounts.create_user must be one of 'viewer', 'analyst', "
            "'admin'. Got 'root' instead.",
        ),
    ],
)
def test_create_user_validates(
    store: Store, username: str, password: str, role: str, message: str | None
) -> None:
    """Check the message for a bad username, password or role, and that nothing is written."""
    with pytest.raises(ParameterError) as info:
        store.accounts.create_user(username, password, role)  # type: ignore[arg-type]
    if message is not None:
        assert str(info.value) == message
    assert "olive" not in str(info.value)  # a password is never echoed
    assert store.accounts.count_users() == 0


def test_username_limits_are_accepted(store: Store) -> None:
    """Check that 1 and 64 characters, every allowed sign and 10/1024-char passwords work."""
    store.accounts.create_user("a", "x" * 10)
    store.accounts.create_user("A_b.c@d-" + "e" * 56, "y" * 1024)
    assert [u.username for u in store.accounts.users()] == ["a", "a_b.c@d-" + "e" * 56]
    assert store.accounts.authenticate("a", "x" * 10) is not None


def test_roles(store: Store) -> None:
    """Check that roles are set on creation, changed with set_role and validated."""
    assert ROLES == ("viewer", "analyst", "admin")
    store.accounts.create_user("chair", PASSWORD, "admin")
    store.accounts.create_user("observer", PASSWORD, "viewer")
    assert store.accounts.user("chair").role == "admin"
    changed = store.accounts.set_role("Observer", "analyst")
    assert changed.role == "analyst"
    assert store.accounts.user("observer").role == "analyst"
    with pytest.raises(ParameterError, match=r"must be one of 'viewer', 'analyst', 'admin'"):
        store.accounts.set_role("observer", "owner")  # type: ignore[arg-type]
    with pytest.raises(StorageError) as info:
        store.accounts.set_role("ghost", "admin")
    assert info.value.kind == "user"


def test_set_password(store: Store) -> None:
    """Check that the new password works and the old one stops working."""
    store.accounts.create_user("envoy", PASSWORD)
    store.accounts.set_password("ENVOY", "a brand new passphrase")
    assert store.accounts.authenticate("envoy", PASSWORD) is None
    assert store.accounts.authenticate("envoy", "a brand new passphrase") is not None
    with pytest.raises(ParameterError, match=r"must be 10 to 1024 characters long"):
        store.accounts.set_password("envoy", "short")
    assert store.accounts.authenticate("envoy", "a brand new passphrase") is not None


def test_set_password_ends_sessions_and_tokens(store: Store) -> None:
    """Check that a new password ends the user's sessions and tokens, but for one kept."""
    store.accounts.create_user("envoy", PASSWORD)
    store.accounts.create_user("other", PASSWORD)
    kept, _ = store.accounts.create_session("envoy")
    stolen, _ = store.accounts.create_session("envoy")
    token, _ = store.accounts.create_token("envoy", "laptop")
    theirs, _ = store.accounts.create_session("other")
    ended = store.accounts.set_password("envoy", "a brand new passphrase", keep_session=kept)
    assert ended == 2
    assert store.accounts.session(kept) is not None
    assert store.accounts.session(stolen) is None
    assert store.accounts.user_for_token(token) is None
    assert store.accounts.session(theirs) is not None
    assert store.accounts.set_password("envoy", "yet another passphrase") == 1
    assert store.accounts.session(kept) is None


def test_unknown_user(store: Store) -> None:
    """Check the message for an unknown username."""
    store.accounts.create_user("envoy", PASSWORD)
    with pytest.raises(StorageError) as info:
        store.accounts.user("ghost")
    assert str(info.value) == (
        "No user 'ghost' in the store (1 account). Check the spelling, "
        "or create the account with create_user."
    )
    assert (info.value.kind, info.value.value) == ("user", "ghost")
    for call in (
        lambda: store.accounts.set_password("ghost", PASSWORD),
        lambda: store.accounts.create_token("ghost", "ci"),
        lambda: store.accounts.tokens("ghost"),
        lambda: store.accounts.create_session("ghost"),
    ):
        with pytest.raises(StorageError, match=r"No user 'ghost'"):
            call()


def test_tokens_create_lookup_revoke(store: Store) -> None:
    """Check the token secret's form, that only its hash is kept, lookup and revocation."""
    envoy = store.accounts.create_user("envoy", PASSWORD)
    secret, token = store.accounts.create_token("envoy", "  nightly report  ")
    assert re.fullmatch(r"pt_[A-Za-z0-9_-]{43}", secret)
    assert (token.username, token.name, token.last_used_at) == ("envoy", "nightly report", None)
    with store.engine.connect() as connection:
        stored = connection.scalar(select(ApiTokenRow.token_sha256))
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(_rows(store, ApiTokenRow))
    assert store.accounts.user_for_token(secret) == envoy
    assert store.accounts.user_for_token(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.accounts.user_for_token("not-a-token") is None
    assert store.accounts.user_for_token("") is None
    second_secret, second = store.accounts.create_token("envoy", "laptop")
    assert second_secret != secret
    assert [t.id for t in store.accounts.tokens("ENVOY")] == [token.id, second.id]
    store.accounts.revoke_token("envoy", token.id)
    assert store.accounts.user_for_token(secret) is None
    assert store.accounts.user_for_token(second_secret) == envoy
    assert [t.name for t in store.accounts.tokens("envoy")] == ["laptop"]


def test_token_last_used(store: Store) -> None:
    """Check that a lookup records the last use, at most once a minute."""
    store.accounts.create_user("envoy", PASSWORD)
    secret, _ = store.accounts.create_token("envoy", "ci")
    before = dt.datetime.now(dt.UTC)
    store.accounts.user_for_token(secret)
    (used,) = store.accounts.tokens("envoy")
    assert used.last_used_at is not None
    assert before <= used.last_used_at <= dt.datetime.now(dt.UTC)
    store.accounts.user_for_token(secret)
    assert store.accounts.tokens("envoy")[0].last_used_at == used.last_used_at
    long_ago = used.last_used_at - dt.timedelta(hours=2)
    with store.engine.begin() as connection:
        connection.execute(update(ApiTokenRow).values(last_used_at=long_ago))
    store.accounts.user_for_token(secret)
    latest = store.accounts.tokens("envoy")[0].last_used_at
    assert latest is not None
    assert latest > long_ago + dt.timedelta(hours=1)


def test_revoke_validates(store: Store) -> None:
    """Check that a user cannot revoke another's token, and the message for an unknown id."""
    store.accounts.create_user("envoy", PASSWORD)
    store.accounts.create_user("rival", PASSWORD)
    secret, token = store.accounts.create_token("envoy", "ci")
    with pytest.raises(StorageError) as info:
        store.accounts.revoke_token("rival", token.id)
    assert str(info.value) == (
        f"User 'rival' has no API token {token.id}; they have none. List them with tokens()."
    )
    assert info.value.kind == "token"
    with pytest.raises(StorageError, match=rf"their tokens are {token.id}\."):
        store.accounts.revoke_token("envoy", token.id + 100)
    assert store.accounts.user_for_token(secret) is not None


def test_token_name_validated(store: Store) -> None:
    """Check that an empty or overlong token name is refused."""
    store.accounts.create_user("envoy", PASSWORD)
    for name in ("", "   ", "n" * 101):
        with pytest.raises(ParameterError, match=r"'name' parameter of Accounts.create_token"):
            store.accounts.create_token("envoy", name)
    assert store.accounts.tokens("envoy") == []


def test_sessions_create_lookup_end(store: Store) -> None:
    """Check that a session gives its user and CSRF token, is kept hashed, and ends."""
    envoy = store.accounts.create_user("envoy", PASSWORD)
    secret, csrf = store.accounts.create_session("Envoy")
    assert len(secret) == 43
    assert len(csrf) == 43
    assert secret != csrf
    assert store.accounts.session(secret) == (envoy, csrf)
    with store.engine.connect() as connection:
        stored = connection.scalar(select(SessionRow.secret_sha256))
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    other, other_csrf = store.accounts.create_session("envoy")
    assert other_csrf != csrf
    assert store.accounts.session("nonsense") is None
    assert store.accounts.session("") is None
    store.accounts.end_session(secret)
    assert store.accounts.session(secret) is None
    assert store.accounts.session(other) == (envoy, other_csrf)
    store.accounts.end_session(secret)  # ending twice is harmless
    store.accounts.end_session("unknown")


def test_sessions_expire(store: Store) -> None:
    """Check that an expired session reads as absent and its row is deleted."""
    store.accounts.create_user("envoy", PASSWORD)
    secret, _ = store.accounts.create_session("envoy", lifetime=dt.timedelta(hours=1))
    live, _ = store.accounts.create_session("envoy")
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    with store.engine.connect() as connection:
        stamps = sorted(connection.scalars(select(SessionRow.expires_at)))
    assert abs((stamps[0] - expires).total_seconds()) < 60
    digest = hashlib.sha256(secret.encode()).hexdigest()
    with store.engine.begin() as connection:
        connection.execute(
            update(SessionRow)
            .where(SessionRow.secret_sha256 == digest)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert store.accounts.session(secret) is None
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SessionRow)) == 1
    assert store.accounts.session(live) is not None


def test_new_session_purges_expired_ones(store: Store) -> None:
    """Check that starting a session deletes every expired session."""
    store.accounts.create_user("envoy", PASSWORD)
    store.accounts.create_session("envoy")
    store.accounts.create_session("envoy")
    with store.engine.begin() as connection:
        connection.execute(
            update(SessionRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        )
    store.accounts.create_session("envoy")
    assert len(_rows(store, SessionRow)) == 1


def test_session_lifetime_validated(store: Store) -> None:
    """Check that a zero or negative lifetime is refused."""
    store.accounts.create_user("envoy", PASSWORD)
    with pytest.raises(ParameterError, match=r"must be a positive timedelta"):
        store.accounts.create_session("envoy", lifetime=dt.timedelta(0))
    assert _rows(store, SessionRow) == []


def test_session_and_token_follow_role_changes(store: Store) -> None:
    """Check that a session and a token report the user's current role."""
    store.accounts.create_user("envoy", PASSWORD, "viewer")
    secret, _ = store.accounts.create_session("envoy")
    token, _ = store.accounts.create_token("envoy", "ci")
    store.accounts.set_role("envoy", "admin")
    found = store.accounts.session(secret)
    assert found is not None
    assert found[0].role == "admin"
    by_token = store.accounts.user_for_token(token)
    assert by_token is not None
    assert by_token.role == "admin"


def test_concurrent_creates_of_one_username(store: Store) -> None:
    """Check that of several simultaneous creates of one username, one wins, the rest say taken."""
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def create() -> None:
        barrier.wait()
        try:
            store.accounts.create_user("envoy", PASSWORD)
        except StorageError as e:
            outcomes.append(e.kind)
        else:
            outcomes.append("created")

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "user", "user", "user"]
    assert store.accounts.count_users() == 1
