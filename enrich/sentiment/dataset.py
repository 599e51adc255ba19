"""Reader for labelled evaluation files (JSON lines ``{"text": ..., "label": ...}``).

Used at evaluation and tuning time only; nothing read here is ever shipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from enrich.sentiment.result import LABELS


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    """Return ``(texts, labels)`` from ``path``.

    Raises ``OSError`` when the file cannot be read and ``ValueError`` (with the line number)
    on a line that is not a JSON object with a string ``text`` and a label in ``LABELS``.
    Blank lines are skipped.
    """
    texts: list[str] = []
    labels: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from exc
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object")
            text, label = row.get("text"), row.get("label")
            if not isinstance(text, str) or label not in LABELS:
                raise ValueError(f"{path}:{lineno}: need a string 'text' and a label in {LABELS}")
            texts.append(text)
            labels.append(label)
    return texts, labels
