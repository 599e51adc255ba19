"""Index sink: ``mentions.enriched`` → Elasticsearch, bulk, idempotent, commit after acknowledgement."""
