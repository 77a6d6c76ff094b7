"""A server cut off from Redis while the others reach it: the login limits bend, never break.

The cut-off server counts failures in the database table, the others in Redis, so until
the partition heals an email gets at most one more window's worth of failures (5 on each
side), after which both sides refuse, the right password included.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_server_cut_off_from_redis_allows_at_most_one_more_window_of_failures(services):
    sides = [services("redis"), services("unreachable")]
    user = UserFactory.create()

    statuses = [
        sides[n % 2].browser().log_in(user.email, "wrong-password").status for n in range(16)
    ]

    print(f"\nfailed logins alternating across a partition: {statuses}")
    assert 5 <= statuses.count(401) <= 10
    assert statuses[statuses.count(401) :] == [429] * (16 - statuses.count(401))
    for side in sides:
        assert side.browser().log_in(user.email, PASSWORD).status == 429
