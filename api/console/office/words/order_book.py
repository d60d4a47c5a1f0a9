"""The order page's named booking picker and top-up form (api/console/office/order_book.py),
and the foreman's "ask for N more" (api/console/site/foreman_review.py)."""

WORDS = {
    "book_title": ("Записать работника по имени", "Book a named worker"),
    "book_note": (
        "Тот, кто пришёл в офис, или работник, которого просит клиент. Записывается сразу, "
        "если проходит те же правила, что и рассылка (кроме радиуса поиска), "
        "и получает СМС о записи.",
        "A walk-in, or a worker the client asks for. Booked at once if they pass the same rules "
        "as the offers (all but the search radius), and texted the booking.",
    ),
    "book_search": ("Имя или телефон работника филиала", "Name or phone of a branch worker"),
    "book_find": ("Найти", "Find"),
    "book_found_none": ("Никого не нашли.", "Nobody found."),
    "book_col_worker": ("Работник", "Worker"),
    "book_col_phone": ("Телефон", "Phone"),
    "book_col_can": ("Можно ли записать", "Can be booked"),
    "book_yes": ("можно", "yes"),
    "book_not": ("нельзя", "no"),
    "book_booked_here": ("уже записан(а) на этот заказ", "already booked on this order"),
    "book_button": ("Записать {name}", "Book {name}"),
    "book_over": ("Записать сверх плана", "Book over the target"),
    "book_full": (
        "Заказ набран ({booked} из {target}): запись будет сверх плана.",
        "The order is full ({booked} of {target}): this booking goes over the target.",
    ),
    "book_done": (
        "{name} записан(а) на заказ, СМС о записи отправляется.",
        "{name} is booked on the order; the booking text is on its way.",
    ),
    "topup_title": ("Добавить людей во время смены", "Top up during the shift"),
    "topup_note": (
        "Число людей вырастет, срочная рассылка уйдёт сразу в наибольшем радиусе, "
        "записываться можно до конца смены.",
        "The headcount grows, an urgent wave goes out at once at the widest radius, "
        "and workers can book until the end of the shift.",
    ),
    "topup_count": ("Сколько ещё человек", "How many more workers"),
    "topup_button": ("Срочно добавить", "Send the urgent wave"),
    "topup_ask": ("Попросить ещё людей", "Ask for more workers"),
    "topup_ask_button": ("Попросить", "Ask"),
    "topup_done": (
        "Запрошено ещё {n} чел.: срочная рассылка ушла.",
        "{n} more asked for: the urgent wave has gone out.",
    ),
    # -- the fields, named in FastAPI's refusals --
    "field_book_q": ("Поиск работника", "Worker search"),
    "field_book_over": ("Сверх плана", "Over the target"),
    "field_topup_count": ("Сколько ещё человек", "How many more workers"),
}
