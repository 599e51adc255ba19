"""RFC 8288 ``Link`` header parsing (pure), for APIs that paginate with it (Mastodon)."""

from __future__ import annotations

import re

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_PARAM = re.compile(r";\s*([A-Za-z*]+)\s*=\s*\"?([^\";,]*)\"?")


def parse_link_header(value: str | None) -> dict[str, str]:
    """``{rel: url}`` of a Link header (first URL per rel wins); empty for ``None`` or garbage."""
    out: dict[str, str] = {}
    if not value:
        return out
    for match in _LINK.finditer(value):
        url, params = match.group(1).strip(), match.group(2)
        for name, param in _PARAM.findall(params):
            if name.lower() == "rel":
                for rel in param.split():
                    out.setdefault(rel.lower(), url)
    return out
