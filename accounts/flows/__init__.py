"""The write side: one module per journey, keyword-only typed functions."""
