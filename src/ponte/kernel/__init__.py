"""The bottom layer: money, errors, ids, the clock, the four languages, package data. Imports nothing of Ponte."""
