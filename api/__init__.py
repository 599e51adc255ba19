"""HTTP API (FastAPI): tenants and keys, queries, sources, mention search, state, export and dashboards
over Elasticsearch, with configuration in compacted Kafka topics. See ``api/README.md``."""
