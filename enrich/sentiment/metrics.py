"""Classification metrics for the three sentiment classes (pure functions, no dependencies)."""

from __future__ import annotations

from collections.abc import Sequence

from enrich.sentiment.result import LABELS


def confusion(gold: Sequence[str], pred: Sequence[str]) -> list[list[int]]:
    """Confusion matrix, rows = gold, columns = predicted, both in ``LABELS`` order.

    Raises ``ValueError`` on length mismatch or a label outside ``LABELS``.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    index = {label: i for i, label in enumerate(LABELS)}
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, pred, strict=True):
        if g not in index or p not in index:
            raise ValueError(f"unknown label in pair ({g!r}, {p!r}); expected one of {LABELS}")
        matrix[index[g]][index[p]] += 1
    return matrix


def report(gold: Sequence[str], pred: Sequence[str]) -> dict[str, object]:
    """Macro-F1, accuracy, per-class precision/recall/F1/support and the confusion matrix.

    A class never predicted (or absent from gold) gets precision/recall 0, not an error.
    """
    matrix = confusion(gold, pred)
    total = sum(map(sum, matrix))
    per_class: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for i, label in enumerate(LABELS):
        tp = matrix[i][i]
        predicted = sum(row[i] for row in matrix)
        support = sum(matrix[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": float(support),
        }
    correct = sum(matrix[i][i] for i in range(len(LABELS)))
    return {
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "accuracy": round(correct / total, 4) if total else 0.0,
        "per_class": per_class,
        "confusion": {"labels": list(LABELS), "rows_gold_cols_pred": matrix},
        "n": total,
    }
