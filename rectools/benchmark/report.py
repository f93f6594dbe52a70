"""The benchmark's report: growth exponents, Markdown tables and the PNG plot."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, Sequence


def fit_exponent(points: Iterable[tuple[float, float]]) -> float | None:
    """Slope of the least-squares line through (log x, log y): y grows as x ** slope
    (1.0 = linear). None with fewer than two usable points or a single x."""
    logs = [(math.log(x), math.log(y)) for x, y in points if x and y and x > 0 and y > 0]
    if len(logs) < 2:
        return None
    mean_x = sum(x for x, _ in logs) / len(logs)
    mean_y = sum(y for _, y in logs) / len(logs)
    sxx = sum((x - mean_x) ** 2 for x, _ in logs)
    if not sxx:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in logs) / sxx


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: Sequence[str] | None = None) -> list[str]:
    """A Markdown table; ``align`` holds 'l' or 'r' per column (default: first left,
    the rest right). Cells are str()-ed, with '|' escaped and None shown empty."""
    align = list(align) if align else ["l"] + ["r"] * (len(header) - 1)
    if len(align) != len(header):
        raise ValueError("one alignment per column")

    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in header) + " |",
           "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    for row in rows:
        row = list(row)
        if len(row) != len(header):
            raise ValueError(f"row has {len(row)} cells, header {len(header)}")
        out.append("| " + " | ".join(cell(v) for v in row) + " |")
    return out


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def megabytes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "n/a"
    return f"{numerator / denominator:.1f}x" if numerator / denominator >= 1 else f"{numerator / denominator:.2f}x"


def share(part: float | None, whole: float | None) -> str:
    """part / whole as a percentage (a daily run against a full build)."""
    if part is None or not whole:
        return "n/a"
    return f"{100 * part / whole:.0f}%" if part / whole >= 0.1 else f"{100 * part / whole:.1f}%"


def score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def groups(size: int) -> str:
    return f"{size:,}"


def exponent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def plot(series: dict[str, list[tuple[int, float, float]]], path: Path, title: str = "") -> Path:
    """Time (s) and peak memory (MB) against customer groups, log axes, one line per
    series: ``{label: [(groups, seconds, peak_mb), ...]}``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(11, 4.5))
    markers = "osD^v<>"
    for index, (label, points) in enumerate(series.items()):
        points = sorted(p for p in points if p[1] and p[1] > 0)
        if not points:
            continue
        xs = [p[0] for p in points]
        style = dict(marker=markers[index % len(markers)], label=label)
        ax_time.plot(xs, [p[1] for p in points], **style)
        mem = [(p[0], p[2]) for p in points if p[2] and p[2] > 0]
        if mem:
            ax_mem.plot([p[0] for p in mem], [p[1] for p in mem], **style)
    for ax, ylabel in ((ax_time, "wall time (s)"), (ax_mem, "peak memory of the process tree (MB)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("customer groups")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
