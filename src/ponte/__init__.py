"""Ponte: cross-border e-commerce between China and the Portuguese- and Spanish-speaking world."""

__version__ = "0.1.0"
