"""Request bodies (pure): the Standard Webhooks JSON envelope, or a Slack incoming-webhook message.

The body of a delivery is rendered once, stored with the delivery and sent identically on every retry;
only the signature headers change (new timestamp).
"""

from __future__ import annotations

import json
from typing import Any

from schemas.alert import Alert
from schemas.webhooks import WebhookFormat

SLACK_SAMPLES = 3


def standard_payload(alert: Alert) -> dict[str, Any]:
    """``{"type": "alert.<kind>", "timestamp": <emitted_at>, "data": <Alert>}``."""
    return {
        "type": alert.event_type,
        "timestamp": alert.emitted_at.isoformat().replace("+00:00", "Z"),
        "data": alert.model_dump(mode="json"),
    }


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alert: Alert) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` (fallback/notification) and Block Kit ``blocks``."""
    title = _slack_escape(alert.title)
    text = _slack_escape(alert.text)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150], "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}},
    ]
    lines = []
    for sample in alert.samples[:SLACK_SAMPLES]:
        label = _slack_escape((sample.title or sample.excerpt or sample.mention_id)[:120])
        who = _slack_escape(sample.author or sample.site)
        lines.append(f"• <{sample.url}|{label}> — {who}" if sample.url else f"• {label} — {who}")
    if lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"ecoute · {alert.tenant} · {alert.rule_name or alert.rule_id} · "
                    f"{alert.count} mention(s) · {alert.event_type}",
                }
            ],
        }
    )
    return {"text": f"*{title}*\n{text}"[:3000], "blocks": blocks}


def render_body(alert: Alert, fmt: WebhookFormat) -> str:
    """The exact request body (compact JSON, UTF-8 characters kept)."""
    payload = slack_payload(alert) if fmt == "slack" else standard_payload(alert)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
