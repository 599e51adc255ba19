"""PNG charts of an end-to-end benchmark result (``ecoute bench e2e --plot``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _per_second(times: list[float], totals: list[float], window_s: float = 5.0) -> list[float]:
    """Rate at each sample of a cumulative series, over the preceding ``window_s`` seconds (samples
    are about a second apart, not exactly: a per-sample rate would mostly show the jitter)."""
    out = []
    start = 0
    for i, t in enumerate(times):
        while start < i and t - times[start] > window_s:
            start += 1
        dt = t - times[start]
        out.append((totals[i] - totals[start]) / dt if dt > 0 else 0.0)
    return out


def plot_e2e(result: dict[str, Any], path: Path) -> Path:
    """Four panels over the run: throughput (published and searchable per second), latency of the
    sampled mentions (to searchable, to webhook) by publication time, consumer lag of every stage,
    RSS of every process. Returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in result.get("timeline", []) if "error" not in row]
    times = [row["t_s"] for row in rows]
    fig, axes = plt.subplots(4, 1, figsize=(10, 13), sharex=True)
    thr_ax, lat_ax, lag_ax, rss_ax = axes
    rate = result.get("rate_target_per_s")
    for key, label in (("published", "published"), ("searchable", "searchable in Elasticsearch")):
        thr_ax.plot(times, _per_second(times, [row[key] for row in rows]), label=f"{label} /s (5 s window)")
    thr_ax.set_ylabel("mentions per second")
    thr_ax.set_title(f"ecoute bench e2e, target {rate}/s: throughput, latency, lag, memory")
    thr_ax.legend()
    for key, label in (
        ("searchable_latency_over_time", "published → searchable"),
        ("webhook_latency_over_time", "published → webhook received"),
    ):
        points = result.get(key, [])
        lat_ax.scatter([p[0] for p in points], [p[1] / 1000 for p in points], s=6, label=label)
    lat_ax.set_ylabel("latency, s (by publication time)")
    lat_ax.legend()
    stages = sorted({stage for row in rows for stage in row["lag"]})
    for stage in stages:
        lag_ax.plot(times, [row["lag"].get(stage, 0) for row in rows], label=f"{stage} lag")
    lag_ax.set_ylabel("messages behind")
    lag_ax.legend()
    for name in sorted({name for row in rows for name in row["rss_mb"]}):
        rss_ax.plot(times, [row["rss_mb"].get(name, 0.0) for row in rows], label=name)
    rss_ax.set_ylabel("RSS, MiB")
    rss_ax.set_xlabel("seconds since the first mention was published")
    rss_ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
