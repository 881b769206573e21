"""Rank South Korean regions as sites for AI infrastructure."""

__version__ = "0.1.0"
