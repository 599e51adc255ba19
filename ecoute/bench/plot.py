"""PNG charts of a benchmark result (``--plot``): consumer lag and process memory over time."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_e2e(result: dict[str, Any], path: Path) -> Path:
    """Lag of each stage and RSS of each process over the run; returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (lag_ax, rss_ax) = plt.subplots(2, 1, figsize=(9, 7), sharex=False)
    lags = result.get("lag_over_time", [])
    times = [row["t_s"] for row in lags]
    for stage in ("enrich", "index"):
        lag_ax.plot(times, [row.get(stage, 0) for row in lags], label=f"{stage} lag")
    lag_ax.set_xlabel("seconds since the first mention was published")
    lag_ax.set_ylabel("messages behind")
    lag_ax.set_title(f"ecoute e2e at {result.get('rate_target_per_s')}/s: consumer lag while draining")
    lag_ax.legend()
    rss = result.get("rss_over_time", [])
    for name in sorted({k for row in rss for k in row}):
        rss_ax.plot(range(len(rss)), [row.get(name, 0.0) for row in rss], label=name)
    rss_ax.set_xlabel("samples (about one per second)")
    rss_ax.set_ylabel("RSS, MiB")
    rss_ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
