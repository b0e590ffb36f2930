"""Figures: tallies, statistics, comparisons and sampling."""
