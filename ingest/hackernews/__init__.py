"""Hacker News through the public Algolia search API: stories and comments matching terms."""
