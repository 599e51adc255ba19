"""Discourse forums through their public JSON: latest posts (optionally one category) or a search."""
