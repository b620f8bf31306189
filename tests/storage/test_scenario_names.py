"""Scenario ids per owner: storage keys, references resolved per user, and migration 0003."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from peacetalks.storage import (
    ScenarioRef,
    StorageError,
    Store,
    downgrade_schema,
    open_store,
    upgrade_schema,
)
from peacetalks.storage.schema import current_revision

PASSWORD = "olive branch at dawn"


def _named(small_text: str, scenario_id: str, title: str = "Small") -> str:
    """Return the small test scenario's text under another id and title."""
    renamed = small_text.replace("id: small", f"id: {scenario_id}", 1)
    return renamed.replace("title: ", f"title: {title} ", 1)


@pytest.fixture
def users(store: Store) -> Store:
    """Return a store with the users ann, bob and cat."""
    for name in ("ann", "bob", "cat"):
        store.accounts.create_user(name, PASSWORD)
    return store


def test_two_owners_keep_one_id_apart(users: Store, small_text: str) -> None:
    """Check that the same id saved by two owners makes two scenarios with their own versions."""
    store = users
    anns = store.save_scenario(_named(small_text, "plan", "Ann"), owner="ann")
    bobs = store.save_scenario(_named(small_text, "plan", "Bob"), owner="bob")
    assert (anns.scenario_id, bobs.scenario_id) == ("plan", "plan~bob")
    again = store.save_scenario(_named(small_text, "plan", "Bob again"), owner="BOB")
    assert (again.scenario_id, again.number) == ("plan~bob", 2)
    assert [v.number for v in store.scenario_versions("plan")] == [1]
    assert store.scenario_owner("plan~bob") == "bob"
    assert "Bob again" in store.scenario_text("plan~bob")
    assert "Ann" in store.scenario_text("plan")


def test_a_bare_id_names_the_users_own_then_the_builtin_then_the_shared(
    users: Store, small_text: str
) -> None:
    """Check the order in which a bare id resolves, and that refs round-trip."""
    store = users
    store.save_scenario(_named(small_text, "plan"), owner="ann")
    store.save_scenario(_named(small_text, "plan"), owner="bob")
    store.save_scenario(_named(small_text, "talks"))  # owned by nobody
    store.save_scenario(_named(small_text, "talks"), owner="cat")
    # Each owner's bare id is their own.
    assert store.find_scenario("plan", "ann") == ScenarioRef("plan", "plan", "ann", "plan")
    assert store.find_scenario("plan", "bob") == ScenarioRef("plan~bob", "plan", "bob", "plan")
    # Cat reads neither: the same None as for an id nobody has.
    assert store.find_scenario("plan", "cat") is None
    assert store.find_scenario("plan~ann", "cat") is None
    assert store.find_scenario("nothing", "cat") is None
    # Shared with cat, ann's is the one "plan" names for her, and its ref is bare.
    store.share_scenario("plan", "cat")
    assert store.find_scenario("plan", "cat") == ScenarioRef("plan", "plan", "ann", "plan")
    # Bob's shared too: a bare id is ambiguous, the message lists both refs.
    store.share_scenario("plan~bob", "cat")
    with pytest.raises(StorageError, match=r"plan~ann, plan~bob") as caught:
        store.find_scenario("plan", "cat")
    assert caught.value.kind == "ambiguous"
    qualified = store.find_scenario("plan~bob", "cat")
    assert qualified == ScenarioRef("plan~bob", "plan", "bob", "plan~bob")
    assert {r.ref for r in store.visible_scenarios("cat") if r.name == "plan"} == {
        "plan~ann",
        "plan~bob",
    }
    # Cat's own "talks" comes before the built-in one; "talks~" names the built-in.
    own = store.find_scenario("talks", "cat")
    assert own == ScenarioRef("talks~cat", "talks", "cat", "talks")
    assert store.find_scenario("talks~", "cat") == ScenarioRef("talks", "talks", None, "talks~")
    assert store.find_scenario("talks", "ann") == ScenarioRef("talks", "talks", None, "talks")
    assert store.find_scenario("talks", None) is not None
    # Every listed ref resolves, for its viewer, to the scenario it lists.
    for viewer in ("ann", "bob", "cat", None):
        for item in store.visible_scenarios(viewer):
            assert store.find_scenario(item.ref, viewer) == item, (viewer, item)
            assert store.scenario_ref(item.key, viewer) == item.ref
    admin = [item.ref for item in store.visible_scenarios("root", admin=True)]
    assert admin == ["plan~ann", "plan~bob", "talks", "talks~cat"]


def test_save_by_key_and_refusals(users: Store, small_text: str) -> None:
    """Check saving a new version by key (the owner kept) and the refused saves."""
    store = users
    store.save_scenario(_named(small_text, "plan"), owner="ann")
    store.save_scenario(_named(small_text, "plan"), owner="bob")
    edited = store.save_scenario(_named(small_text, "plan", "By an admin"), key="plan~bob")
    assert (edited.scenario_id, edited.number) == ("plan~bob", 2)
    assert store.scenario_owner("plan~bob") == "bob"
    with pytest.raises(StorageError, match="has the id 'plan'"):
        store.save_scenario(_named(small_text, "other"), key="plan~bob")
    with pytest.raises(StorageError, match="No scenario 'gone'"):
        store.save_scenario(_named(small_text, "plan"), key="gone")
    # A scenario owned by nobody cannot take a key a user's scenario holds; the save
    # without owner adds a version to the scenario stored under the id (the old API).
    assert store.save_scenario(_named(small_text, "plan", "Unowned")).scenario_id == "plan"
    assert store.scenario_owner("plan") == "ann"
    store.save_scenario(_named(small_text, "solo"), owner="cat")
    store.save_scenario(_named(small_text, "plan"), owner="cat")  # plan~cat
    store.save_scenario(_named(small_text, "solo"), owner="ann")
    assert store.scenario_ids() == ["plan", "plan~bob", "plan~cat", "solo", "solo~ann"]


def test_migration_0003_keeps_rows_and_refuses_a_lossy_downgrade(
    store: Store, small_text: str
) -> None:
    """Check that 0002 rows get their key as name, and that 0003 cannot go down with clashes."""
    store.save_scenario(_named(small_text, "plan"), owner="ann")
    store.save_scenario(_named(small_text, "open"))
    run = store.start_run("forecast", inputs={}, parameters={}, scenario_id="plan")
    downgrade_schema(store.engine, "0002")
    assert current_revision(store.engine) == "0002"
    upgrade_schema(store.engine)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name, owner FROM scenarios ORDER BY id"))
        assert [tuple(row) for row in rows] == [("open", "open", None), ("plan", "plan", "ann")]
    assert store.run(run.id).scenario_id == "plan"
    assert [v.number for v in store.scenario_versions("plan")] == [1]
    store.accounts.create_user("bob", PASSWORD)
    store.save_scenario(_named(small_text, "plan"), owner="bob")
    with pytest.raises(RuntimeError, match="stored under a key other than their id"):
        downgrade_schema(store.engine, "0002")
    assert current_revision(store.engine) == "0003"
    assert [v.number for v in store.scenario_versions("plan~bob")] == [1]


def test_a_save_from_a_stale_version_is_refused(users: Store, small_text: str) -> None:
    """Check the compare-and-swap of ``base``: a save from an older version changes nothing."""
    store = users
    with pytest.raises(StorageError, match="be SHA-256 000000000000, got none saved"):
        store.save_scenario(_named(small_text, "plan"), owner="ann", base="0" * 64)
    first = store.save_scenario(_named(small_text, "plan"), owner="ann", base="")
    second = store.save_scenario(_named(small_text, "plan", "Two"), owner="ann", base=first.sha256)
    with pytest.raises(StorageError, match="got version 2") as caught:
        store.save_scenario(_named(small_text, "plan", "Lost"), owner="ann", base=first.sha256)
    assert caught.value.kind == "changed"
    with pytest.raises(StorageError, match="expected no saved version, got version 2"):
        store.save_scenario(_named(small_text, "plan", "Lost"), owner="ann", base="")
    assert [v.number for v in store.scenario_versions("plan")] == [1, 2]
    assert store.scenario_versions("plan")[-1].sha256 == second.sha256


def test_concurrent_writers_never_lose_an_edit(
    store_target: str | Path, store: Store, small_text: str
) -> None:
    """Check that writers in separate connection pools (as separate servers) lose no edit.

    Each of four writers reads the newest text, adds its own line and saves with the
    read version as ``base``, retrying when refused; every edit must be in the end.
    """
    store.save_scenario(_named(small_text, "plan"), owner="ann")
    per_writer = 5

    # Opened one after another: migrating (a no-op here) is not for threads at once.
    writers = [open_store(store_target) for _ in range(4)]

    def write(writer: int) -> None:
        mine = writers[writer]
        for edit in range(per_writer):
            while True:
                newest = mine.scenario_versions("plan")[-1]
                text = mine.scenario_text("plan", newest.number)
                edited = f"{text}# edit {writer}.{edit}\n"
                try:
                    mine.save_scenario(edited, owner="ann", base=newest.sha256)
                    break
                except StorageError as e:
                    if e.kind not in ("changed", "scenario"):  # refused: read again
                        raise

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(write, range(4)))
    finally:
        for opened in writers:
            opened.close()
    final = store.scenario_text("plan")
    for writer in range(4):
        for edit in range(per_writer):
            assert f"# edit {writer}.{edit}\n" in final
    assert len(store.scenario_versions("plan")) == 1 + 4 * per_writer
