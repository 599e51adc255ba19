"""Pure business logic of the API: request → Elasticsearch body, response → public models."""
