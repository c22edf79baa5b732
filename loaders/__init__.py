"""Loaders that put extracted ESG report tables into DuckDB schema `raw`, with full provenance."""

__version__ = "0.1.0"
