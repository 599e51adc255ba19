"""Where the shared evaluation data (``shared/eval``: langid, sentiment, feeds, webhook vector) is.

It is not part of the repository (third-party data, read in place). Looked up in order:
``ECOUTE_EVAL_DIR``, ``<repository>/../shared/eval`` (the layout of this workplace), ``/work/shared/eval``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def eval_dir() -> Path:
    """The first candidate that exists (else the conventional ``../shared/eval``, which may not)."""
    candidates = [Path(p) for p in (os.environ.get("ECOUTE_EVAL_DIR"),) if p]
    candidates += [REPO_ROOT.parent / "shared" / "eval", Path("/work/shared/eval")]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]
