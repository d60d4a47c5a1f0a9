"""The rate pages' words, Russian and English (and the rate card's refusals, by code)."""

WORDS = {
    # -- the refusals (api/console/errors.py finds them by code) --
    "err_rate_card_invalid": (
        "Неверное значение в строке тарифной сетки.",
        "A wrong value in a rate card row.",
    ),
    "err_rate_card_duplicate": (
        "Эта специальность уже есть в сетке (для того же клиента).",
        "This skill is on the card already (for the same client).",
    ),
    "err_rate_reason_missing": (
        "Ставки отличаются от тарифной сетки: укажите причину.",
        "The rates differ from the rate card: give a reason.",
    ),
    "err_rate_card_managers_only": (
        "Тарифную сетку меняет руководитель филиала.",
        "Only the branch's manager changes the rate card.",
    ),
    "err_client_moved": (
        "Клиент тем временем перешёл в другой филиал: сохраните ещё раз.",
        "The client moved to another branch meanwhile: save again.",
    ),
    # -- the rate card page --
    "rates_nav": ("Тарифная сетка", "Rate card"),
    "rates_title": ("Тарифная сетка: {branch}", "Rate card: {branch}"),
    "rates_intro": (
        "Ставки в час по специальностям: для филиала и отдельно для клиента (строка клиента "
        "важнее). Надбавки за ночь (22:00–06:00) и выходные/праздники по производственному "
        "календарю — в процентах от ставки; минимум часов оплачивается пришедшему и не "
        "ушедшему раньше.",
        "Hourly rates per skill: the branch's, and a client's own (a client's row wins). "
        "Night (22:00-06:00) and day-off surcharges (by the production calendar) are percent "
        "of the rate; the minimum hours are paid to one who came and did not leave early.",
    ),
    "rates_client": ("Клиент", "Client"),
    "rates_client_id": ("Клиент", "Client"),
    "rates_branch_row": ("весь филиал", "the whole branch"),
    "rates_skill": ("Специальность", "Skill"),
    "rates_client_rate": ("Ставка клиенту", "Client rate"),
    "rates_worker_rate": ("Ставка работнику", "Worker rate"),
    "rates_night_pct": ("Ночь, %", "Night, %"),
    "rates_holiday_pct": ("Выходной, %", "Day off, %"),
    "rates_min_hours": ("Минимум часов", "Minimum hours"),
    "rates_remove": ("Удалить строку", "Remove the row"),
    "rates_add": ("Добавить строку", "Add a row"),
    "rates_save": ("Сохранить сетку", "Save the card"),
    "rates_saved": ("Сетка сохранена.", "The card is saved."),
    "rates_not_saved": (
        "Сетка не сохранена: исправьте отмеченные ячейки.",
        "The card is not saved: correct the marked cells.",
    ),
    "rates_err_number": ("нужно число", "a number is needed"),
    "rates_link": ("Тарифная сетка филиала", "The branch's rate card"),
    "rates_client_link": ("Ставки клиента в тарифной сетке", "The client's rows on the rate card"),
    # -- a timesheet line's surcharges (the portal's order, the disputes' sheet) --
    "rates_line_surcharge": (
        "в т.ч. надбавки {amount} (ночью {night} ч, в выходной {day_off} ч)",
        "incl. surcharges {amount} (night {night} h, day off {day_off} h)",
    ),
    # -- the order form's margin preview --
    "margin_title": ("Расчёт по заказу", "The order's figures"),
    "margin_none": (
        "Выберите объект и специальность, чтобы увидеть ставки и маржу.",
        "Choose a site and a skill to see the rates and the margin.",
    ),
    "margin_card": ("По тарифной сетке", "By the rate card"),
    "margin_source_client": ("ставка клиента", "the client's rate"),
    "margin_source_card": ("ставка филиала", "the branch's rate"),
    "margin_no_card": (
        "В сетке нет ставки для этой специальности: введите ставки.",
        "The card has no rate for this skill: enter the rates.",
    ),
    "margin_rates": (
        "{client} клиенту / {worker} работнику в час",
        "{client} client / {worker} worker an hour",
    ),
    "margin_surcharges": (
        "Ночных часов: {night} (+{night_pct}%), в выходной/праздник: {day_off} (+{holiday_pct}%)",
        "Night hours: {night} (+{night_pct}%), day-off hours: {day_off} (+{holiday_pct}%)",
    ),
    "margin_min_hours": ("Минимум часов: {hours}", "Minimum hours: {hours}"),
    "margin_revenue": ("Выручка", "Revenue"),
    "margin_pay": ("Оплата работникам", "Workers' pay"),
    "margin_margin": ("Маржа", "Margin"),
    "margin_for": ("на {headcount} чел. × {hours} ч", "for {headcount} × {hours} h"),
    "margin_differs": (
        "Ставки отличаются от сетки ({client} / {worker}): укажите причину.",
        "The rates differ from the card ({client} / {worker}): give a reason.",
    ),
    "order_rate_reason": ("Причина других ставок", "Why other rates"),
    "field_rate_reason": ("Причина других ставок", "Why other rates"),
}
