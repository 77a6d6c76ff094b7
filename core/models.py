"""Tables that HTTP plumbing needs, whatever the app."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """A fixed-window counter for rate limits on the embedded default (no Redis).

    ``core.counters`` changes a row with one ``INSERT ... ON CONFLICT DO UPDATE``
    statement, so concurrent processes never lose a count the way a read-then-write
    cache ``incr`` does. An expired row is restarted in place by the next hit.
    """

    key = models.CharField(max_length=250, primary_key=True)
    count = models.IntegerField()
    #: Unix time at which the window ends (a float: compared inside SQL on every backend).
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
