"""Mastodon: hashtag and public timelines (REST with min_id cursors, Link pagination) and streaming."""
