"""Deployment: the local stack (real Kafka and Elasticsearch on loopback), docker compose, Kibana
objects and the bundled demo data."""
