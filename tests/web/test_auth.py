"""Accounts through the API: sign-in, sessions and CSRF, API tokens, roles, users."""

from __future__ import annotations

import httpx
import pytest

from peacetalks.web import WebSettings
from peacetalks.web.security import SESSION_COOKIE
from tests.web.conftest import PASSWORD, Api, new_id, serving, small_text


def test_login_sets_an_http_only_lax_cookie_and_returns_the_csrf_token(api: Api) -> None:
    """Check that signing in sets the session cookie (HttpOnly, SameSite=Lax) and says who."""
    with httpx.Client(base_url=api.url) as client:
        response = client.post("/api/auth/login", json={"username": "ann", "password": PASSWORD})
        assert response.status_code == 200
        body = response.json()
        assert body["user"]["username"] == "ann"
        assert body["user"]["role"] == "analyst"
        assert len(body["csrf_token"]) >= 32
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
        assert "Secure" not in cookie
        me = client.get("/api/auth/me").json()
        assert me == {"user": body["user"], "csrf_token": body["csrf_token"]}


def test_secure_cookies_setting_marks_the_cookie_secure(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Check that secure_cookies=True adds Secure to the session cookie."""
    settings = WebSettings(db=str(tmp_path_factory.mktemp("secure")), secure_cookies=True)
    with serving(settings) as server:
        server.app.state.store.accounts.create_user("ann", PASSWORD, "analyst")
        response = httpx.post(
            server.url + "/api/auth/login", json={"username": "ann", "password": PASSWORD}
        )
    assert response.status_code == 200
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("username", "password"),
    [("ann", "wrong password here"), ("nobody", PASSWORD), ("ANN", "x")],
)
def test_wrong_credentials_answer_401(api: Api, username: str, password: str) -> None:
    """Check that a wrong username or password answers 401 with one message and no cookie."""
    response = httpx.post(
        api.url + "/api/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "type": "AuthenticationError",
            "message": "The username or the password is wrong. Check both and sign in again.",
        }
    }
    assert "set-cookie" not in response.headers


def test_usernames_are_case_insensitive(api: Api) -> None:
    """Check that ANN signs in as ann."""
    response = httpx.post(
        api.url + "/api/auth/login", json={"username": "ANN", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "ann"


def test_me_is_401_when_anonymous(api: Api) -> None:
    """Check that /api/auth/me answers 401 without credentials."""
    response = httpx.get(api.url + "/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "AuthenticationError"
    assert response.headers["www-authenticate"] == "Bearer"


def test_logout_ends_the_session(api: Api) -> None:
    """Check that after logout the old cookie no longer signs in."""
    with api.session("ann") as (client, csrf):
        old = client.cookies[SESSION_COOKIE]
        assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert SESSION_COOKIE not in client.cookies
        response = httpx.get(api.url + "/api/auth/me", cookies={SESSION_COOKIE: old})
    assert response.status_code == 401


def test_unsafe_request_with_session_cookie_needs_the_csrf_token(api: Api) -> None:
    """Check CSRF: no token 403, a wrong token 403, the session's token passes."""
    body = {"yaml": small_text(new_id("csrf"))}
    with api.session("ann") as (client, csrf):
        missing = client.post("/api/scenarios", json=body)
        wrong = client.post("/api/scenarios", json=body, headers={"X-CSRF-Token": csrf + "x"})
        right = client.post("/api/scenarios", json=body, headers={"X-CSRF-Token": csrf})
    assert missing.status_code == 403
    assert missing.json()["error"]["type"] == "CsrfError"
    assert missing.json()["error"]["message"].startswith(
        "This POST request has a session cookie but not its CSRF token."
    )
    assert wrong.status_code == 403
    assert right.status_code == 201


def test_signing_in_again_with_a_session_cookie_needs_no_csrf_token(api: Api) -> None:
    """Check that login (JSON only, so no cross-site form can send it) is exempt from CSRF."""
    with api.session("ann") as (client, csrf):
        again = client.post("/api/auth/login", json={"username": "ann", "password": PASSWORD})
        assert again.status_code == 200
        assert again.json()["csrf_token"] != csrf
        form = client.post("/api/auth/login", data={"username": "ann", "password": PASSWORD})
    assert form.status_code == 422  # a form post (what another site could send) is refused


def test_csrf_applies_to_logout_put_patch_and_delete(api: Api) -> None:
    """Check that every unsafe method with a session cookie needs the token."""
    with api.session("ada") as (client, _):
        assert client.post("/api/auth/logout").status_code == 403
        assert client.put("/api/scenarios/x", json={"yaml": "id: x"}).status_code == 403
        assert client.patch("/api/users/ann", json={"role": "analyst"}).status_code == 403
        assert client.delete("/api/tokens/1").status_code == 403
        assert client.get("/api/users").status_code == 200  # safe methods need none


def test_bearer_token_needs_no_csrf_token(api: Api) -> None:
    """Check that a request signed with an API token is not asked for a CSRF token."""
    with api.client("ann") as client:
        response = client.post("/api/scenarios", json={"yaml": small_text(new_id("bearer"))})
    assert response.status_code == 201


def test_tokens_are_created_listed_used_and_revoked(api: Api) -> None:
    """Check the token life cycle: the secret is shown once, works, and stops on revoke."""
    with api.session("bob") as (client, csrf):
        created = client.post(
            "/api/tokens", json={"name": "nightly"}, headers={"X-CSRF-Token": csrf}
        )
        assert created.status_code == 201
        secret = created.json()["token"]
        assert secret.startswith("pt_")
        listed = client.get("/api/tokens").json()["tokens"]
        assert [t["name"] for t in listed if t["id"] == created.json()["id"]] == ["nightly"]
        assert all("token" not in t for t in listed)
        bearer = {"Authorization": f"Bearer {secret}"}
        me = httpx.get(api.url + "/api/auth/me", headers=bearer).json()
        assert me == {"user": me["user"], "csrf_token": None}
        assert me["user"]["username"] == "bob"
        token_id = created.json()["id"]
        revoked = client.delete(f"/api/tokens/{token_id}", headers={"X-CSRF-Token": csrf})
        assert revoked.status_code == 204
        again = client.delete(f"/api/tokens/{token_id}", headers={"X-CSRF-Token": csrf})
        assert again.status_code == 404
    after = httpx.get(api.url + "/api/auth/me", headers=bearer)
    assert after.status_code == 401
    assert after.json()["error"]["message"].startswith("The API token is unknown or was revoked.")


@pytest.mark.parametrize("header", ["Bearer pt_not-a-real-token", "Bearer nope", "Basic YTpi"])
def test_bad_authorization_header_answers_401_even_on_reads(api: Api, header: str) -> None:
    """Check that wrong credentials are refused, not taken as anonymous."""
    response = httpx.get(api.url + "/api/scenarios", headers={"Authorization": header})
    assert response.status_code == 401


def test_another_users_token_cannot_be_revoked(api: Api) -> None:
    """Check that revoking someone else's token id answers 404 and leaves it working."""
    ann_token_id = api.store.accounts.tokens("ann")[0].id
    with api.client("bob") as client:
        response = client.delete(f"/api/tokens/{ann_token_id}")
    assert response.status_code == 404
    with api.client("ann") as client:
        assert client.get("/api/auth/me").status_code == 200


def test_writes_need_authentication(api: Api) -> None:
    """Check that anonymous writes answer 401 with the same message everywhere."""
    with api.client() as client:
        answers = [
            client.post("/api/scenarios", json={"yaml": "id: x"}),
            client.put("/api/scenarios/ukraine-2025", json={"yaml": "id: x"}),
            client.post("/api/scenarios/ukraine-2025/analyses/evaluate", json={"proposal": "x"}),
            client.post("/api/tokens", json={"name": "x"}),
            client.post("/api/users", json={"username": "x", "password": "y" * 12}),
            client.post("/api/scenarios/ukraine-2025/shares", json={"username": None}),
        ]
    assert [a.status_code for a in answers] == [401] * len(answers)
    assert {a.json()["error"]["message"] for a in answers} == {
        "This needs a signed-in user. Sign in with POST /api/auth/login, or send an API token "
        "as 'Authorization: Bearer pt_...'."
    }


def test_viewers_read_but_cannot_write_or_run(api: Api) -> None:
    """Check that the viewer role reads scenarios but gets 403 on writes and analyses."""
    with api.client("vic") as client:
        assert client.get("/api/scenarios/ukraine-2025").status_code == 200
        create = client.post("/api/scenarios", json={"yaml": small_text(new_id())})
        run = client.post(
            "/api/scenarios/ukraine-2025/analyses/evaluate", json={"proposal": "roberts-2025"}
        )
    assert create.status_code == 403
    assert create.json()["error"] == {
        "type": "PermissionDeniedError",
        "message": "This needs the analyst role; 'vic' has the viewer role. Ask an "
        "administrator to change it.",
    }
    assert run.status_code == 403


def test_admins_manage_users(api: Api) -> None:
    """Check that admins create, list and change users; others get 403."""
    name = new_id("user")
    with api.client("ada") as admin, api.client("ann") as analyst:
        assert analyst.get("/api/users").status_code == 403
        assert (
            analyst.post("/api/users", json={"username": name, "password": PASSWORD}).status_code
            == 403
        )
        created = admin.post(
            "/api/users", json={"username": name, "password": PASSWORD, "role": "viewer"}
        )
        assert created.status_code == 201
        assert created.json()["role"] == "viewer"
        assert name in [u["username"] for u in admin.get("/api/users").json()["users"]]
        taken = admin.post("/api/users", json={"username": name.upper(), "password": PASSWORD})
        assert taken.status_code == 409
        assert "is taken" in taken.json()["error"]["message"]
        changed = admin.patch(f"/api/users/{name}", json={"role": "analyst"})
        assert changed.json()["role"] == "analyst"
        short = admin.post("/api/users", json={"username": new_id("u"), "password": "short"})
        assert short.status_code == 422
        assert short.json()["error"]["type"] == "ParameterError"
        unknown = admin.patch("/api/users/no-such-user", json={"role": "viewer"})
        assert unknown.status_code == 404
        selfish = admin.patch("/api/users/ada", json={"role": "viewer"})
        assert selfish.status_code == 409
    login = httpx.post(api.url + "/api/auth/login", json={"username": name, "password": PASSWORD})
    assert login.json()["user"]["role"] == "analyst"


def test_admin_changes_a_password(api: Api) -> None:
    """Check that PATCH with a password replaces it."""
    name = new_id("pw")
    new_password = "another long passphrase"
    with api.client("ada") as admin:
        admin.post("/api/users", json={"username": name, "password": PASSWORD})
        assert admin.patch(f"/api/users/{name}", json={"password": new_password}).status_code == 200
    old = httpx.post(api.url + "/api/auth/login", json={"username": name, "password": PASSWORD})
    new = httpx.post(api.url + "/api/auth/login", json={"username": name, "password": new_password})
    assert (old.status_code, new.status_code) == (401, 200)


def test_repeated_failures_are_throttled(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Check that after N failures from one address a username is refused there (429)."""
    settings = WebSettings(db=str(tmp_path_factory.mktemp("throttle")), login_attempts=3)
    with serving(settings) as server:
        server.app.state.store.accounts.create_user("ann", PASSWORD, "analyst")
        with httpx.Client(base_url=server.url) as client:
            wrong = {"username": "ann", "password": "not the password"}
            codes = [client.post("/api/auth/login", json=wrong).status_code for _ in range(3)]
            refused = client.post("/api/auth/login", json={"username": "ann", "password": PASSWORD})
    assert codes == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.json()["error"]["type"] == "TooManyAttemptsError"
    assert refused.json()["error"]["message"].startswith(
        "Too many failed sign-ins for this username from this address. Try again in"
    )
    assert int(refused.headers["retry-after"]) > 0


def test_changing_your_password_ends_your_other_sessions_and_tokens(api: Api) -> None:
    """Check POST /api/auth/password: current password checked, other credentials ended."""
    name = new_id("carol")
    new_password = "a fresh and longer passphrase"
    api.store.accounts.create_user(name, PASSWORD, "analyst")
    bearer = {"Authorization": f"Bearer {api.store.accounts.create_token(name, 'ci')[0]}"}
    login = {"username": name, "password": PASSWORD}
    with (
        httpx.Client(base_url=api.url, timeout=60) as other,
        httpx.Client(base_url=api.url, timeout=60) as client,
    ):
        assert other.post("/api/auth/login", json=login).status_code == 200
        csrf = {"X-CSRF-Token": client.post("/api/auth/login", json=login).json()["csrf_token"]}
        wrong = client.post(
            "/api/auth/password",
            json={"current_password": "not the password", "new_password": new_password},
            headers=csrf,
        )
        assert wrong.status_code == 401
        assert wrong.json()["error"]["message"].startswith("The current password is wrong.")
        short = client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "short"},
            headers=csrf,
        )
        assert short.status_code == 422
        changed = client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers=csrf,
        )
        assert changed.status_code == 200, changed.text
        assert changed.json() == {"ended": 2}  # the other session and the token
        assert client.get("/api/auth/me").json()["user"]["username"] == name
        assert other.get("/api/auth/me").status_code == 401
    assert httpx.get(api.url + "/api/auth/me", headers=bearer).status_code == 401
    assert httpx.post(api.url + "/api/auth/login", json=login).status_code == 401
    login["password"] = new_password
    assert httpx.post(api.url + "/api/auth/login", json=login).status_code == 200


def test_an_admin_resetting_a_password_ends_that_users_sessions(api: Api) -> None:
    """Check that PATCH /api/users/{name} with a password signs the user out everywhere."""
    name = new_id("dave")
    api.store.accounts.create_user(name, PASSWORD, "analyst")
    bearer = {"Authorization": f"Bearer {api.store.accounts.create_token(name, 'ci')[0]}"}
    with httpx.Client(base_url=api.url, timeout=60) as user:
        assert (
            user.post("/api/auth/login", json={"username": name, "password": PASSWORD}).status_code
            == 200
        )
        with api.client("ada") as admin:
            reset = admin.patch(f"/api/users/{name}", json={"password": "a reset passphrase"})
        assert reset.status_code == 200
        assert user.get("/api/auth/me").status_code == 401
    assert httpx.get(api.url + "/api/auth/me", headers=bearer).status_code == 401
