"""Draw docs/architecture-layers.png, the layers of docs/architecture.md (run it again after
changing the rooms: ``.venv/bin/python scripts/architecture_drawing.py``)."""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "architecture-layers.png"

# (x, y, width, height, title, what it holds, fill): y grows upwards, the ground at 0.
ROOMS = [
    (0.2, 8.6, 6.6, 1.2, "ui/  the desktop app (PySide6)",
     "screens · models · dialogs · widgets · app (session, Session.run)", "#dce9f5"),
    (7.0, 8.6, 2.8, 1.2, "cli/  the command", "one module per group", "#dce9f5"),
    (0.2, 7.0, 7.4, 1.3, "ops/  one operation per user action",
     "write(): lock, re-read, sign-off rule, events, OpResult(Changes)", "#f6e3c6"),
    (7.8, 7.0, 2.0, 1.3, "workspace", "what screens read", "#f6e3c6"),
    (0.2, 5.7, 9.6, 1.0, "outputs/  renderers", "PDF report, XLSX, CSV, text, charts: data in, "
     "file or text out", "#e3f0dc"),
    (0.2, 4.4, 9.6, 1.0, "analysis/  figures", "tally, agreement, compare, targets, plans, "
     "statistics: data in, numbers out", "#e3f0dc"),
    (0.2, 3.1, 9.6, 1.0, "files/  file formats", "answer tables, plans, incident lists, "
     "recordings: read and write files only", "#ece3f3"),
    (0.2, 1.8, 9.6, 1.0, "store/  the database", "db, migrations, one repository per table "
     "group: all the SQL", "#ece3f3"),
    (0.2, 0.5, 9.6, 1.0, "questions/  question sets", "model, loader (FILE:LINE errors), "
     "answer logic and conditions", "#ece3f3"),
    (0.2, -0.6, 9.6, 0.8, "ground:  errors · clock · paths", "", "#e6e6e6"),
]


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8.0, 6.4), dpi=100)
    ax.set_xlim(-0.9, 10.0)
    ax.set_ylim(-0.8, 10.4)
    ax.axis("off")
    for x, y, w, h, title, what, fill in ROOMS:
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor=fill, edgecolor="#444444", linewidth=1))
        ax.text(x + 0.15, y + h - 0.22, title, fontsize=10, fontweight="bold", va="top")
        if what:
            ax.text(x + 0.15, y + 0.18, what, fontsize=8.2, va="bottom", color="#222222")
    ax.annotate("", xy=(-0.55, -0.5), xytext=(-0.55, 9.7),
                arrowprops={"arrowstyle": "-|>", "color": "#555555", "linewidth": 1.6})
    ax.text(-0.75, 4.6, "imports point down only", rotation=90, fontsize=9, va="center",
            color="#333333")
    ax.text(0.2, 10.15, "reviewer: the layers (all but ui/ is the core: no Qt in it)",
            fontsize=11, fontweight="bold")
    fig.savefig(OUT, dpi=100, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)


if __name__ == "__main__":
    main()
