"""ecoute: shared runtime for the pipeline stages (settings, logging, Kafka and Elasticsearch plumbing,
the query language) and the `ecoute` command line. Importing this package has no side effects."""
