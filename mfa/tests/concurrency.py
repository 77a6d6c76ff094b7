"""Threads released together, each with its own connection, as concurrent requests are."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_concurrently(attempts: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run ``attempt(i)`` in ``attempts`` threads released together; return each outcome.

    An outcome is what the call returned, or the exception it raised. Each thread has its
    own database connection, as separate requests would.
    """
    barrier = threading.Barrier(attempts)
    outcomes: list[Any] = [None] * attempts

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = attempt(index)
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
