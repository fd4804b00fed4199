"""One suite for every DialogStore: in memory, SQLite, PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.store import DialogRecord, DialogStore, DuplicateMessage, MemoryDialogStore, SessionKey, SqlDialogStore

KEY = SessionKey("wechat", "oUser1")
OTHER = SessionKey("wechat", "oUser2")


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[DialogStore]:
    if request.param == "memory":
        yield MemoryDialogStore()
        return
    factory: sessionmaker[Session] = request.getfixturevalue(
        "sqlite_factory" if request.param == "sqlite" else "pg_factory"
    )
    yield SqlDialogStore(factory)


def test_empty_key_has_no_record(store: DialogStore) -> None:
    assert store.get(KEY) is None


def test_set_get_roundtrip_keeps_unicode_and_nesting(store: DialogStore) -> None:
    store.set(KEY, DialogRecord(state="intake", data={"story": "借了五万😀", "facts": {"amount": 50000, "x": [1, 2]}}))
    rec = store.get(KEY)
    assert rec is not None
    assert rec.state == "intake"
    assert rec.data == {"story": "借了五万😀", "facts": {"amount": 50000, "x": [1, 2]}}
    assert store.get(OTHER) is None


def test_version_increases_on_each_save(store: DialogStore) -> None:
    store.set(KEY, DialogRecord(state="a"))
    first = store.get(KEY)
    store.set(KEY, DialogRecord(state="b"))
    second = store.get(KEY)
    assert first is not None and second is not None
    assert second.version > first.version


def test_clear_removes_only_that_key(store: DialogStore) -> None:
    store.set(KEY, DialogRecord(state="a"))
    store.set(OTHER, DialogRecord(state="b"))
    store.clear(KEY)
    assert store.get(KEY) is None
    assert store.get(OTHER) is not None
    store.clear(KEY)  # clearing twice is fine


def test_mutating_a_loaded_record_does_not_write_through(store: DialogStore) -> None:
    store.set(KEY, DialogRecord(state="a", data={"n": 1}))
    rec = store.get(KEY)
    assert rec is not None
    rec.data["n"] = 2
    again = store.get(KEY)
    assert again is not None and again.data["n"] == 1


def test_claimed_message_returns_stored_reply(store: DialogStore) -> None:
    with store.transaction() as tx:
        tx.claim_message("m1", KEY)
        tx.store_reply("m1", {"parts": ["好的"], "quick": []})
    with pytest.raises(DuplicateMessage) as err, store.transaction() as tx:
        tx.claim_message("m1", KEY)
    assert err.value.reply == {"parts": ["好的"], "quick": []}


def test_failed_transaction_leaves_nothing(store: DialogStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.claim_message("m2", KEY)
        tx.save(KEY, DialogRecord(state="half"))
        raise RuntimeError("boom")
    assert store.get(KEY) is None
    with store.transaction() as tx:
        assert tx.stored_reply("m2") is None
        tx.claim_message("m2", KEY)  # can be handled again: nothing was recorded


def test_concurrent_claims_of_one_message_let_exactly_one_through(store: DialogStore) -> None:
    winners: list[int] = []
    dupes: list[int] = []
    barrier = threading.Barrier(4)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            with store.transaction() as tx:
                tx.claim_message("same-msg", KEY)
                tx.store_reply("same-msg", {"parts": [f"w{i}"], "quick": []})
            winners.append(i)
        except DuplicateMessage:
            dupes.append(i)
        except Exception as exc:
            if "locked" in str(exc):
                dupes.append(i)
            else:
                raise

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert len(dupes) == 3
    with store.transaction() as tx:
        assert tx.stored_reply("same-msg") == {"parts": [f"w{winners[0]}"], "quick": []}


# --- sealed at rest (issue 14 §4): the dialog state and stored replies hold stories with ID and phone numbers


def test_a_sealed_store_keeps_nothing_in_clear(sqlite_factory: sessionmaker[Session]) -> None:
    from cryptography.fernet import Fernet

    from bot.store import SEALED, DialogRow, ProcessedMessage
    from core.pii import PiiCipher

    store = SqlDialogStore(sqlite_factory, PiiCipher(Fernet.generate_key().decode()))
    story = "我电话13912345678，身份证410811198503041230，朋友借钱不还"
    store.set(KEY, DialogRecord(state="intake", data={"story": story}))
    with store.transaction() as tx:
        tx.claim_message("m1", KEY)
        tx.store_reply("m1", {"parts": [f"您说：{story}"]})
    with sqlite_factory() as s:
        row = s.get(DialogRow, str(KEY))
        reply = s.get(ProcessedMessage, "m1")
        assert row is not None and reply is not None
        for raw in (row.data, reply.reply):
            assert raw.startswith(SEALED) and "13912345678" not in raw and "410811198503041230" not in raw
    rec = store.get(KEY)
    assert rec is not None and rec.data == {"story": story}  # opened again with the key
    with store.transaction() as tx:
        assert tx.stored_reply("m1") == {"parts": [f"您说：{story}"]}


def test_a_row_from_before_sealing_still_loads(sqlite_factory: sessionmaker[Session]) -> None:
    from cryptography.fernet import Fernet

    from core.pii import PiiCipher

    SqlDialogStore(sqlite_factory).set(KEY, DialogRecord(state="intake", data={"story": "借了五万"}))
    sealed = SqlDialogStore(sqlite_factory, PiiCipher(Fernet.generate_key().decode()))
    rec = sealed.get(KEY)
    assert rec is not None and rec.data == {"story": "借了五万"}
