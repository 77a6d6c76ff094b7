"""The single reader of the environment: every setting comes through here."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def origin_of(url: str) -> str:
    """The origin (``scheme://host[:port]``) of ``url``, as browsers send it in ``Origin``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
