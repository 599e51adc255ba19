"""Bluesky through the Jetstream firehose (JSON over websocket), filtered to posts."""
