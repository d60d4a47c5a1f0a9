"""The new-order form's own words (api/console/office/order_form.py): the overbooking choice in
plain words, the warnings and the date's checks."""

WORDS = {
    "form_mode": (
        "Сколько записать про запас (на случай неявок)",
        "How many extra workers to book (for no-shows)",
    ),
    "form_mode_hint": (
        "Часть записавшихся обычно не приходит, поэтому записываем больше, чем нужно. "
        "Лишних, если придут все, отпускают с оплатой выхода.",
        "Some who say yes never come, so more are booked than needed. If everyone comes, "
        "the extra ones are sent home with show-up pay.",
    ),
    "form_mode_branch": (
        "как настроено в филиале ({mode})",
        "as the branch is set ({mode})",
    ),
    "form_mode_fixed": (
        "в {factor} раза больше: нужно 10 — записываем {ten}",
        "{factor} times the number needed: 10 needed, {ten} booked",
    ),
    "form_mode_adaptive": (
        "по надёжности людей: записываем, пока шанс, что придут все нужные, не дойдёт до {goal}%",
        "by each worker's record: book until the chance that enough turn up reaches {goal}%",
    ),
    "form_mode_fixed_short": ("в {factor} раза больше", "{factor} times the number needed"),
    "form_mode_adaptive_short": ("по надёжности, {goal}%", "by workers' records, {goal}%"),
    "form_err_past_date": (
        "эта дата уже прошла: выберите сегодня или позже",
        "this date has passed: choose today or later",
    ),
    "form_warn_rates": (
        "Внимание: ставка работнику ({worker}) выше ставки клиента ({client}) — заказ будет в "
        "убыток. Заказ можно создать, если так и задумано.",
        "Note: the worker's rate ({worker}) is above the client's rate ({client}), so the order "
        "loses money. You can still create it if that is intended.",
    ),
}
