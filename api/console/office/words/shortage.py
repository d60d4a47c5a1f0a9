"""Short orders on the board, the order page and the foreman's page
(dispatch/orders/shortage.py)."""

WORDS = {
    "short_by": ("не хватает {n} чел.", "short by {n}"),
    "short_title": ("Не хватает {n} чел.", "Short by {n}"),
    "short_why_ring": (
        "В радиусе {km} км больше некому предложить заказ. Записано {booked} из {headcount}.",
        "Nobody more to offer the order to within {km} km. {booked} of {headcount} booked.",
    ),
    "short_why_started": (
        "Смена уже идёт, записано {booked} из {headcount}.",
        "The shift has begun with {booked} of {headcount} booked.",
    ),
    "short_due": (
        "Следующая волна сама уйдёт в {time}.",
        "The next wave goes by itself at {time}.",
    ),
    "short_widest": (
        "Это наибольший радиус филиала: новая волна найдёт только тех, кто появился с прошлой.",
        "This is the branch's widest radius: a new wave finds only those who came since the last.",
    ),
    "short_next_wave": ("Следующая волна сейчас", "Send the next wave now"),
    "short_widen": ("Расширить до {km} км сейчас", "Widen to {km} km now"),
}
