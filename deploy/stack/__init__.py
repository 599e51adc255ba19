"""The local stack: real Apache Kafka (KRaft) and Elasticsearch, resolved from Maven Central by
coordinates, cached, started on loopback and health-checked."""
