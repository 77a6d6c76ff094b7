"""The account pages, one module per area (``pages/urls.py`` maps them)."""
