"""A worker's days and pause said by SMS, on their profile (issue 19): avail_."""

WORDS = {
    "avail_h": ("Дни и пауза (по СМС)", "Days and pause (by SMS)"),
    "avail_caption": (
        "Что работник написал о ближайших 14 днях: СВОБОДЕН — предложения в этот день ему "
        "первому, ЗАНЯТ — в этот день без предложений",
        "What the worker texted of the next 14 days: FREE — that day's offers go to them "
        "first, BUSY — no offers that day",
    ),
    "avail_day": ("День", "Day"),
    "avail_said": ("Написал(а)", "Said"),
    "avail_free": ("свободен", "free"),
    "avail_busy": ("занят", "busy"),
    "avail_paused_until": ("Пауза до {until}: предложений нет", "Paused until {until}: no offers"),
    "avail_not_paused": ("Паузы нет.", "Not paused."),
    "avail_clear_pause": ("Снять паузу", "Clear the pause"),
    "avail_pause_cleared": (
        "Пауза снята: работник снова получает предложения.",
        "Pause cleared: the worker receives offers again.",
    ),
    "avail_pause_none": ("Паузы уже нет.", "There is no pause any more."),
    "avail_wd_0": ("пн", "Mon"),
    "avail_wd_1": ("вт", "Tue"),
    "avail_wd_2": ("ср", "Wed"),
    "avail_wd_3": ("чт", "Thu"),
    "avail_wd_4": ("пт", "Fri"),
    "avail_wd_5": ("сб", "Sat"),
    "avail_wd_6": ("вс", "Sun"),
}
