"""Kibana saved objects for ecoute (``ecoute.ndjson``) and their import into a Kibana given by URL."""
