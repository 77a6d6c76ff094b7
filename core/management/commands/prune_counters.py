"""``manage.py prune_counters``: delete rate-limit counters whose window has ended."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core import counters


class Command(BaseCommand):
    help = "Delete the rate-limit counters (core_counter rows) whose window has ended."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = counters.prune()
        self.stdout.write(f"Deleted {deleted} expired counter(s).")
