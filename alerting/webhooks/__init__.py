"""Webhook delivery of alerts (Standard Webhooks), with a durable outbox, retries and replay."""
