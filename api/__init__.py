"""HTTP API (FastAPI): health, mentions search; thin routes over Elasticsearch and Kafka."""
