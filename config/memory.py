"""Hand the memory of finished password hashes back to the system when a worker idles.

Each Argon2 hash (accounts/security/hashers.py) takes 19 MiB from C's ``malloc`` and
frees it at once. glibc gives every thread that allocates its own arena, and keeps a
freed block that large inside it for the next one: after a burst of logins on four
threads a worker holds about 76 MiB it no longer uses, until it exits. Two settings of
glibc's allocator, made in each worker before its threads start, bound that:

- one arena for the whole process (``M_ARENA_MAX``), so what the threads free joins one
  heap that ``malloc_trim`` can shrink (it cannot shrink another thread's arena). The
  threads rarely compete for it: the GIL serialises the Python code, and a hash makes one
  allocation. Measured: a hash takes as long (about 22 ms) with one arena as with many;
- after a second with no request, ``malloc_trim(0)`` returns the free pages. Under load
  nothing is returned, so the next hash reuses its block and pays no page faults (giving
  every hash its own ``mmap`` instead would add about 7 ms to each).

Elsewhere than glibc (musl, macOS) nothing is changed.
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import Any

M_ARENA_MAX = -8  # glibc's <malloc.h>
IDLE_SECONDS = 1.0

_state = {"last_request": 0.0, "trimmed": True}


def _glibc() -> Any:
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def start_in_worker() -> bool:
    """One arena, and a thread that trims the heap when the worker idles. Call once, early."""
    libc = _glibc()
    if libc is None:
        return False
    libc.mallopt(M_ARENA_MAX, 1)
    threading.Thread(target=_trim_when_idle, args=(libc,), name="malloc-trim", daemon=True).start()
    return True


def request_finished() -> None:
    """Note a request, so that the worker trims after the next idle second."""
    _state["last_request"] = time.monotonic()
    _state["trimmed"] = False


def _trim_when_idle(libc: Any) -> None:
    while True:
        time.sleep(IDLE_SECONDS)
        if not _state["trimmed"] and time.monotonic() - _state["last_request"] >= IDLE_SECONDS:
            _state["trimmed"] = True
            libc.malloc_trim(0)
