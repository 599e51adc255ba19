"""Durable configuration of the API: tenants and keys, queries, sources (compacted Kafka topics)."""
