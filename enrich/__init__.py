"""Enrichment (Faust): language, sentiment, brand-query matching and entities; and the index sink that
lands enriched mentions in Elasticsearch."""
