"""Replies not understood (dispatch/replies/unclear.py) and the texts about replies, on the
board and an order's page."""

WORDS = {
    "unclear_badge": ("неясных ответов: {n}", "unclear replies: {n}"),
    "unclear_badge_title": (
        "Ответы работника не поняты и со второй попытки: позвоните ему. Открыть его СМС.",
        "A worker's replies were not understood at the second try either: call them. "
        "Opens their texts.",
    ),
}
