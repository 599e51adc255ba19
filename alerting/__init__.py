"""Alerting: detectors over the enriched mention stream, cooldown/grouping, alert events, and the
webhook deliverer. Pure logic lives in plain modules (``rules/``, ``cooldown``, ``engine``, ``lifecycle``,
``kpis``, ``sse``, ``webhooks/signing`` …); Kafka, Faust, Elasticsearch and HTTP are thin shells
(``app``, ``faust_state``, ``webhooks/service`` …). This package never imports ingest/, enrich/ or api/.
"""
