"""Column widths for the app's tables at a terminal width (pure, no Textual).

The candidates table and the comparison table keep the columns that decide a choice at
80 columns and add the others as the terminal widens; long text is clipped with ``…``.

    >>> [w for _, _, w in table_layout(80)]
    [3, 13, 22, 7, 3, 18]
    >>> [k for _, k, _ in result_layout(78)]
    ['model', 'pass', 'checks', 'ttft', 'tps', 'rss', 'verdict', 'obl']
    >>> clip("SmolLM2-135M-Instruct", 10)
    'SmolLM2-1…'
"""

from __future__ import annotations

Column = tuple[str, str, int]          # (label, key, width)

# -- the candidates table ------------------------------------------------------------------
# Narrow terminals get the columns that decide a choice; wider ones add obligations, kind,
# size and license (the OSAID grade is in the line under the table and the detail); the
# reason column takes what is left. The verdict is the model's own: the deployment's
# duties are stated once above the table.
NARROW = (("#", "rank", 3), ("Verdict", "verdict", 13), ("Model", "model", 0),
          ("Fit", "fit", 7), ("MOF", "mof", 3), ("Reason", "reason", -1))
WIDE = (("#", "rank", 3), ("Verdict", "verdict", 13), ("Model", "model", 0),
        ("Fit", "fit", 7), ("Obl", "obligations", 3), ("Kind", "kind", 10),
        ("Size", "size", 5), ("License", "license", 16), ("MOF", "mof", 3),
        ("Reason", "reason", -1))
WIDE_FROM = 120
PREVIEW_FROM = 180              # a side panel with the highlighted row's findings
PREVIEW_WIDTH = 40
MODEL_MIN, MODEL_MAX = 22, 44
LICENSE_MIN, LICENSE_MAX = 16, 40
REASON_MIN = 18


def table_layout(total: int) -> list[Column]:
    """Columns and widths for a candidates table ``total`` cells wide (each cell adds 2
    of padding, the scroll bar 2): the model column gets up to MODEL_MAX, the license up
    to LICENSE_MAX, the reason the rest (at least REASON_MIN)."""
    spec = WIDE if total >= WIDE_FROM else NARROW
    fixed = sum(w for _, _, w in spec if w > 0) + 2 * len(spec) + 2
    room = max(total - fixed, MODEL_MIN + REASON_MIN)
    model = max(MODEL_MIN, min(MODEL_MAX, room - REASON_MIN))
    extra = max(0, min(LICENSE_MAX - LICENSE_MIN, room - model - REASON_MIN)) \
        if spec is WIDE else 0
    reason = max(REASON_MIN, room - model - extra)
    widths = {0: model, -1: reason}
    return [(label, key, widths.get(w, w) + (extra if key == "license" else 0))
            for label, key, w in spec]


def table_width(screen_width: int) -> int:
    """The candidates table's width: the screen less the preview pane where it shows."""
    return screen_width - (PREVIEW_WIDTH if screen_width >= PREVIEW_FROM else 0)


# -- the comparison table --------------------------------------------------------------------
# The model column takes what is left. At 80 columns the columns in DROP_ORDER go first,
# so the ones that decide (checks, speed, verdict) stay.
RESULT_COLUMNS = (("model", "model", 0), ("backend", "backend", 8), ("pass", "pass", 4),
                  ("checks", "checks", 6), ("ttft s", "ttft", 6), ("pp t/s", "pps", 6),
                  ("t/s", "tps", 6), ("RSS", "rss", 6), ("verdict", "verdict", 7),
                  ("obl.", "obl", 4))
DROP_ORDER = ("pps", "backend", "ttft", "rss")
RESULT_MODEL_MIN, RESULT_MODEL_MAX = 20, 40


def result_layout(total: int) -> list[Column]:
    """Columns and widths for a comparison table ``total`` cells wide (2 of padding per
    column, 2 for a scroll bar): columns drop in DROP_ORDER until the model gets
    RESULT_MODEL_MIN."""
    columns = list(RESULT_COLUMNS)
    drops = list(DROP_ORDER)

    def room(cols: list[Column]) -> int:
        return total - sum(w for _, _, w in cols) - 2 * len(cols) - 2

    while room(columns) < RESULT_MODEL_MIN and drops:
        gone = drops.pop(0)
        columns = [c for c in columns if c[1] != gone]
    model = max(RESULT_MODEL_MIN, min(RESULT_MODEL_MAX, room(columns)))
    return [(label, key, model if key == "model" else width) for label, key, width in columns]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in ``…`` when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"
