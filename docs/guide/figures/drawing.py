"""Drawing a small fully connected network with matplotlib (for the guide's figures)."""

import matplotlib.pyplot as plt


def draw_network(ax, layers, edge_labels=None, notes=None, x_gap=1.0, radius=0.16):
    """Draw layers of units left to right; return the centre of every unit.

    ``layers`` is a list of ``(title, [unit label, ...], colour)``; ``edge_labels`` maps
    ``(layer, i, j)`` (the edge from unit ``i`` of ``layer`` to unit ``j`` of the next) to a
    text written on the edge; ``notes`` maps ``(layer, i)`` to a text under unit ``i``.
    """
    edge_labels, notes = edge_labels or {}, notes or {}
    tallest = max(len(units) for _, units, _ in layers)
    centres = [
        [(l * x_gap, (len(units) - 1) / 2 - i) for i in range(len(units))]  # first unit on top
        for l, (_, units, _) in enumerate(layers)
    ]
    for l in range(len(layers) - 1):
        for i, (x0, y0) in enumerate(centres[l]):
            for j, (x1, y1) in enumerate(centres[l + 1]):
                ax.plot([x0, x1], [y0, y1], color="0.65", lw=0.9, zorder=1)
                label = edge_labels.get((l, i, j))
                if label is not None:
                    t = 0.5 if y0 == y1 else 0.27  # crossing edges: near their start
                    ax.text(
                        x0 + t * (x1 - x0),
                        y0 + t * (y1 - y0),
                        label,
                        ha="center",
                        va="center",
                        fontsize=9,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                        zorder=3,
                    )
    for l, ((title, units, colour), points) in enumerate(zip(layers, centres, strict=True)):
        for i, (label, (x, y)) in enumerate(zip(units, points, strict=True)):
            ax.add_patch(plt.Circle((x, y), radius, fc=colour, ec="0.2", zorder=2))
            ax.text(x, y, label, ha="center", va="center", fontsize=9, zorder=4)
            if (l, i) in notes:
                ax.text(x, y - radius - 0.05, notes[l, i], ha="center", va="top", fontsize=9)
        ax.text(
            points[0][0], (tallest - 1) / 2 + 0.55, title, ha="center", va="bottom", fontsize=10
        )
    ax.set_aspect("equal")
    ax.axis("off")
    return centres
