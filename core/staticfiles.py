"""Static files: hashed and compressed once collected, plain names until then."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped base
    """WhiteNoise's storage: ``collectstatic`` writes content-hashed, gzipped copies.

    Pages then name the hashed files, which WhiteNoise serves compressed and cacheable
    for a year. Until ``collectstatic`` has written its manifest (a test run, a process
    started without ``make prod``), names stay plain and WhiteNoise serves the apps' own
    files through the finders (``WHITENOISE_USE_FINDERS``), so the pages still work.
    """

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: nothing has been collected here
            return name
        return str(super().stored_name(name))
