"""The atomic counters behind every limit, on each store this run has."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from threading import Barrier

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from core import counters
from core.models import Counter

STORES = ["database", *(["redis"] if settings.REDIS_URL else [])]


@pytest.fixture(params=STORES)
def store(request):
    if request.param == "database":
        return counters.database_counters
    return counters.redis_counters()


def expire(store, key):
    """End the key's window now by writing the store's own expiry."""
    if isinstance(store, counters.RedisCounters):
        store.client.pexpire(store._key(key), 1)
        time.sleep(0.01)
    else:
        Counter.objects.filter(key=key).update(expires_at=time.time() - 1)


@pytest.mark.django_db
def test_hits_are_numbered_within_the_window(store):
    hits = [store.hit("k", window=60) for _ in range(3)]

    assert [hit.count for hit in hits] == [1, 2, 3]
    assert all(59 <= hit.retry_after <= 60 for hit in hits)


@pytest.mark.django_db
def test_the_window_starts_at_the_first_hit_and_does_not_slide(store):
    first = store.hit("k", window=60)
    expire(store, "k")

    again = store.hit("k", window=60)

    assert (first.count, again.count) == (1, 1)
    assert 59 <= again.retry_after <= 60


@pytest.mark.django_db
def test_keys_count_apart(store):
    store.hit("a", window=60)

    assert store.hit("b", window=60).count == 1


@pytest.mark.django_db
def test_release_gives_back_one_hit_and_never_goes_below_zero(store):
    store.hit("k", window=60)
    store.hit("k", window=60)
    store.release("k")
    store.release("k")
    store.release("k")
    store.release("missing")

    assert store.hit("k", window=60).count == 1
    assert store.hit("missing", window=60).count == 1


@pytest.mark.django_db
def test_reset_forgets_the_count(store):
    store.hit("k", window=60)

    store.reset("k")

    assert store.hit("k", window=60).count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_many_threads_are_all_counted(store):
    threads = 16
    barrier = Barrier(threads)

    def hit_after_barrier(_):
        barrier.wait()
        try:
            return [store.hit("k", window=60).count for _ in range(5)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        numbers = sorted(n for batch in pool.map(hit_after_barrier, range(threads)) for n in batch)

    assert numbers == list(range(1, threads * 5 + 1))


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("30/min", (30, 60)),
        ("10/m", (10, 60)),
        ("5/5m", (5, 300)),
        ("1/3min", (1, 180)),
        ("100/hour", (100, 3600)),
        ("2/s", (2, 1)),
        ("1000/day", (1000, 86400)),
        (" 20 / Minute ", (20, 60)),
    ],
)
def test_rates_read_like_drfs_with_a_multiple(rate, expected):
    assert counters.parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "30", "thirty/min", "30/fortnight", "-1/min", "30/min/2"])
def test_anything_else_is_not_a_rate(rate):
    with pytest.raises(ValueError, match="is not a rate"):
        counters.parse_rate(rate)


@pytest.mark.django_db
def test_a_batch_numbers_each_key_like_single_hits(store):
    store.hit("a", window=60)

    hits = store.hit_many({"a": 60, "b": 300})

    assert (hits["a"].count, hits["b"].count) == (2, 1)
    assert 59 <= hits["a"].retry_after <= 60
    assert 299 <= hits["b"].retry_after <= 300
    assert store.hit("b", window=300).count == 2


@pytest.mark.django_db
def test_a_batch_restarts_an_expired_key_and_counts_up_a_live_one(store):
    store.hit_many({"old": 60, "live": 60})
    expire(store, "old")

    hits = store.hit_many({"old": 60, "live": 60})

    assert (hits["old"].count, hits["live"].count) == (1, 2)


@pytest.mark.django_db
def test_settle_releases_some_keys_and_resets_others_in_one_step(store):
    for _ in range(3):
        store.hit_many({"kept": 60, "released": 60, "reset": 60})

    store.settle(
        {
            "released": counters.Settle.RELEASE,
            "reset": counters.Settle.RESET,
            "none": counters.Settle.RELEASE,
        }
    )

    hits = store.hit_many({"kept": 60, "released": 60, "reset": 60, "none": 60})
    assert {key: hit.count for key, hit in hits.items()} == {
        "kept": 4,
        "released": 3,
        "reset": 1,
        "none": 1,
    }
    assert 59 <= hits["reset"].retry_after <= 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_sharing_keys_are_all_counted(store):
    threads = 12
    barrier = Barrier(threads)

    def batch_after_barrier(n):
        barrier.wait()
        try:
            # Overlapping keys, named in different orders: none is lost, none deadlocks.
            keys = ["shared", f"own{n}", "also-shared"]
            windows = dict.fromkeys(keys if n % 2 else reversed(keys), 60)
            return [store.hit_many(windows) for _ in range(4)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        batches = [b for run in pool.map(batch_after_barrier, range(threads)) for b in run]

    for key in ("shared", "also-shared"):
        assert sorted(b[key].count for b in batches) == list(range(1, threads * 4 + 1))
    assert store.hit("own3", window=60).count == 5


@pytest.mark.django_db
def test_prune_deletes_ended_windows_and_resets_and_keeps_live_counts():
    counters.database_counters.hit_many({"live": 60, "ended": 60, "reset": 60})
    Counter.objects.filter(key="ended").update(expires_at=time.time() - 1)
    counters.database_counters.reset("reset")

    assert counters.prune() == 2
    assert list(Counter.objects.values_list("key", "count")) == [("live", 1)]


@pytest.mark.django_db
def test_the_prune_command_deletes_what_a_settle_ended():
    counters.database_counters.hit_many({"kept": 60, "settled": 60})
    counters.database_counters.settle({"settled": counters.Settle.RESET})
    out = StringIO()

    call_command("prune_counters", stdout=out)

    assert out.getvalue().strip() == "Deleted 1 expired counter(s)."
    assert list(Counter.objects.values_list("key", flat=True)) == ["kept"]
