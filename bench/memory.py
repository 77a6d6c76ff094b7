"""Resident memory of a gunicorn's workers, read from /proc after a benchmark run."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's master: its workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return sorted(found)


def resident_mib(pid: int) -> float:
    """``VmRSS`` of one process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    raise LookupError(f"no VmRSS for process {pid}")


def workers_resident_mib(master: int) -> list[float]:
    """Each worker's resident memory, in MiB, in the order of their process ids."""
    return [resident_mib(pid) for pid in children(master)]
