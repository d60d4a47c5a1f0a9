"""The order page's Repeat section: a copy for another day and weekly patterns."""

WORDS = {
    "repeat_title": ("Повторить заказ", "Repeat this order"),
    "repeat_page_title": ("Повторить заказ {code}", "Repeat order {code}"),
    "repeat_open": ("Открыть повтор заказа", "Open the repeat form"),
    "repeat_back": ("К заказу {code}", "Back to order {code}"),
    "repeat_errors": ("Исправьте отмеченные поля", "Correct the marked fields"),
    # a copy for another day
    "repeat_copy_h": ("Копия на другой день", "A copy for another day"),
    "repeat_copy_note": (
        "Тот же объект, работа, число людей, длительность, ставки и бригадир; "
        "тем, кто работал в прошлый раз, предложат первыми.",
        "The same site, work, headcount, length, rates and foreman; last time's crew is "
        "offered first.",
    ),
    "repeat_date": ("Дата", "Date"),
    "repeat_start": ("Начало (местное время)", "Start (local time)"),
    "repeat_copy_button": ("Создать копию", "Place the copy"),
    # a weekly pattern
    "repeat_pattern_h": ("Каждую неделю", "Every week"),
    "repeat_pattern_note": (
        "Заказ на каждый выбранный день создаётся сам за указанное число часов до начала.",
        "Each chosen day's order is placed by itself the given number of hours before it starts.",
    ),
    "repeat_weekdays": ("Дни недели", "Weekdays"),
    "repeat_until": ("Последний день", "Last day"),
    "repeat_lead_h": ("Создавать заранее, часов", "Place it ahead, hours"),
    "repeat_pattern_button": ("Повторять каждую неделю", "Repeat every week"),
    "repeat_wd_1": ("понедельник", "Monday"),
    "repeat_wd_2": ("вторник", "Tuesday"),
    "repeat_wd_3": ("среда", "Wednesday"),
    "repeat_wd_4": ("четверг", "Thursday"),
    "repeat_wd_5": ("пятница", "Friday"),
    "repeat_wd_6": ("суббота", "Saturday"),
    "repeat_wd_7": ("воскресенье", "Sunday"),
    # the order's patterns
    "repeat_patterns_h": ("Повторы этого заказа", "This order's weekly repeats"),
    "repeat_patterns_none": ("Повторов нет", "No weekly repeats"),
    "repeat_pattern_line": (
        "{days} до {until}, за {lead} ч до начала",
        "{days} until {until}, {lead} h before the start",
    ),
    "repeat_placed": ("Созданы заказы", "Orders placed"),
    "repeat_placed_none": ("пока ни одного", "none yet"),
    "repeat_placed_order": ("Заказ {code}, {when}", "Order {code}, {when}"),
    "repeat_delete": ("Удалить повтор", "Delete this repeat"),
    "repeat_delete_label": (
        "Удалить повтор: {days} до {until}",
        "Delete the repeat: {days} until {until}",
    ),
    "repeat_deleted_note": (
        "Удалённый повтор больше ничего не создаёт; уже созданные заказы остаются.",
        "A deleted repeat places nothing more; orders already placed stay.",
    ),
    # the form's fields, as FastAPI's refusals name them
    "field_pattern_id": ("Номер повтора", "Repeat number"),
    "field_lead_h": ("Создавать заранее, часов", "Place it ahead, hours"),
    "field_weekdays": ("Дни недели", "Weekdays"),
    "field_until": ("Последний день", "Last day"),
    # the form's own checks
    "repeat_err_required": ("Заполните это поле", "Fill in this field"),
    "repeat_err_date": (
        "Дата пишется как 01.12.2026 или 2026-12-01",
        "Write the date as 01.12.2026 or 2026-12-01",
    ),
    "repeat_err_past_date": ("Этот день уже прошёл", "This day is over"),
    "repeat_err_time": ("Время пишется как 08:00", "Write the time as 08:00"),
    "repeat_err_whole": ("Нужно целое число", "A whole number is needed"),
    "repeat_err_weekdays": ("Отметьте хотя бы один день", "Tick at least one day"),
}
