"""Ingest: source connectors that fetch items and produce :class:`schemas.mention.RawMention` to Kafka."""
