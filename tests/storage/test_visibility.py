import pytest

from peacetalks.errors import ParameterError
from peacetalks.storage import StorageError, Store

PASSWORD = "olive branch at dawn"


def _scenario(text: str, scenario_id: str) -> str:
    """Return the small test scenario's text under another id."""
    return text.replace("id: small", f"id: {scenario_id}", 1)


@pytest.fixture
def shared_store(store: Store, small_text: str) -> Store:
    """Return a store with three users and scenarios owned by 'owner', by nobody, by 'other'."""
    for name in ("owner", "reader", "other"):
        store.accounts.create_user(name, PASSWORD)
    store.save_scenario(_scenario(small_text, "private-talks"), owner="owner")
    store.save_scenario(_scenario(small_text, "open-talks"))
    store.save_scenario(_scenario(small_text, "other-talks"), owner="other")
    assert store.scenario_ids() == ["open-talks", "other-talks", "private-talks"]
    return store


def test_private_scenario(shared_store: Store) -> None:
    """Check that an owned, unshared scenario is readable by its owner and admins only."""
    store = shared_store
    assert store.scenario_owner("private-talks") == "owner"
    assert store.can_read("private-talks", "owner")
    assert store.can_read("private-talks", "OWNER")
    assert not store.can_read("private-talks", "reader")
    assert not store.can_read("private-talks", None)
    assert store.can_read("private-talks", "reader", admin=True)
    assert store.can_read("private-talks", None, admin=True)
    assert store.shares("private-talks") == []
    assert store.visible_scenario_ids("owner") == ["open-talks", "private-talks"]
    assert store.visible_scenario_ids("reader") == ["open-talks"]


def test_owner_none_is_readable_by_all(shared_store: Store) -> None:
    """Check that a scenario without an owner is readable signed in or not."""
    store = shared_store
    assert store.scenario_owner("open-talks") is None
    for user in ("owner", "reader", None):
        assert store.can_read("open-talks", user)
    assert store.visible_scenario_ids(None) == ["open-talks"]


def test_shared_with_a_user(shared_store: Store) -> None:
    """Check that sharing with a user lets that user (only) read, and unsharing stops it."""
    store = shared_store
    store.share_scenario("private-talks", "Reader")
    store.share_scenario("private-talks", "reader")  # twice is the same as once
    assert store.shares("private-talks") == ["reader"]
    assert store.can_read("private-talks", "reader")
    assert not store.can_read("private-talks", "other")
    assert not store.can_read("private-talks", None)
    assert store.visible_scenario_ids("reader") == ["open-talks", "private-talks"]
    assert store.visible_scenario_ids("other") == ["open-talks", "other-talks"]
    store.unshare_scenario("private-talks", "reader")
    store.unshare_scenario("private-talks", "reader")  # a missing share is ignored
    assert store.shares("private-talks") == []
    assert not store.can_read("private-talks", "reader")


def test_shared_with_everyone(shared_store: Store) -> None:
    """Check that a share with None reaches every signed-in user but not anonymous readers."""
    store = shared_store
    store.share_scenario("private-talks", None)
    store.share_scenario("private-talks", "reader")
    assert store.shares("private-talks") == [None, "reader"]
    for user in ("reader", "other"):
        assert store.can_read("private-talks", user)
    assert not store.can_read("private-talks", None)
    assert store.visible_scenario_ids("other") == ["open-talks", "other-talks", "private-talks"]
    assert store.visible_scenario_ids(None) == ["open-talks"]
    store.unshare_scenario("private-talks", None)
    assert store.shares("private-talks") == ["reader"]
    assert not store.can_read("private-talks", "other")


def test_admin_sees_everything(shared_store: Store) -> None:
    """Check that an admin's visible ids are every scenario."""
    assert shared_store.visible_scenario_ids("reader", admin=True) == shared_store.scenario_ids()
    assert shared_store.visible_scenario_ids(None, admin=True) == shared_store.scenario_ids()


def test_unknown_scenario_or_user(shared_store: Store) -> None:
    """Check the errors for an unknown scenario or user, and that can_read says no."""
    store = shared_store
    assert not store.can_read("nowhere", "owner")
    assert not store.can_read("nowhere", "owner", admin=True)
    for call in (
        lambda: store.scenario_owner("nowhere"),
        lambda: store.share_scenario("nowhere", "reader"),
        lambda: store.unshare_scenario("nowhere", None),
        lambda: store.shares("nowhere"),
    ):
        with pytest.raises(StorageError, match=r"^No scenario 'nowhere' in the store\.") as info:
            call()
        assert info.value.kind == "scenario"
    with pytest.raises(StorageError, match=r"^No user 'ghost' in the store") as user_info:
        store.share_scenario("private-talks", "ghost")
    assert user_info.value.kind == "user"
    with pytest.raises(ParameterError, match=r"'username' parameter of Store.share_scenario"):
        store.share_scenario("private-talks", "*")
    assert store.shares("private-talks") == []


def test_shares_go_with_the_scenario(shared_store: Store, small_text: str) -> None:
    """Check that a new version keeps the owner and shares of the scenario."""
    store = shared_store
    store.share_scenario("private-talks", "reader")
    store.save_scenario(_scenario(small_text, "private-talks") + "\n# v2\n", owner="reader")
    assert store.scenario_owner("private-talks") == "owner"
    assert store.shares("private-talks") == ["reader"]
