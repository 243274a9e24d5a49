"""Vigie: self-hosted dark-web leak monitoring."""

__version__ = "0.1.0"
