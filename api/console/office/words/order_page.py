"""The order page's live roster, its per-worker actions and its accessible fill bars."""

WORDS = {
    "order_live_note": (
        "Сводка и список обновляются сами каждые 3 секунды",
        "The summary and the list refresh by themselves every 3 seconds",
    ),
    "board_bar_name": ("Набор заказа {code}", "Fill of order {code}"),
    "order_attendance": ("На объекте", "On site"),
    "order_actions": ("Действия", "Actions"),
    "order_min": ("мин", "min"),
    "order_phone_tail": ("телефон оканчивается на", "phone ending in"),
    "order_timeline_steps": ("Ход событий: {n}", "Timeline: {n} steps"),
    "order_timesheet": ("Табель смены", "The shift's timesheet"),
    "order_act_retext": ("Предложить ещё раз (СМС)", "Text the offer again"),
    "order_act_phone_yes": ("ДА по телефону", "YES by phone"),
    "order_act_phone_no": ("НЕТ по телефону", "NO by phone"),
    "order_act_cancel": ("Снять с заказа…", "Cancel this booking…"),
    "order_act_cancel_reason": ("Причина (работник получит СМС)", "Reason (the worker is texted)"),
    "order_act_cancel_button": ("Снять с заказа", "Cancel the booking"),
    # A client's order awaiting the office's approval (dispatch/orders/approval.py).
    "board_awaiting": ("Ждут одобрения", "Awaiting approval"),
    "board_awaiting_note": (
        "Заказы клиентов с близким началом: людям ничего не отправлено, пока офис не одобрит.",
        "Clients' orders starting soon: nothing is sent to workers until the office approves.",
    ),
    "approval_title": ("Заказ ждёт одобрения", "The order awaits approval"),
    "approval_note": (
        "Клиент разместил заказ на близкое время (ближе срока филиала). Людям ничего не "
        "отправлено: одобрите, и набор начнётся сразу.",
        "The client placed it to start soon (inside the branch's lead time). Nothing has been "
        "sent to workers: approve it and filling starts at once.",
    ),
    "approval_approve": ("Одобрить и начать набор", "Approve and start filling"),
    "approval_decline": ("Отклонить…", "Decline…"),
    "approval_reason": ("Причина (клиент её увидит)", "Reason (the client sees it)"),
    "approval_decline_button": ("Отклонить заказ", "Decline the order"),
    "approval_done": ("Одобрено: набор начался.", "Approved: filling has started."),
    "approval_declined": ("Заказ отклонён.", "The order is declined."),
    # Where an offered worker stands (dispatch/orders/roster.py), in the page's words.
    "order_sd_queued": ("предложение в очереди", "offer queued"),
    "order_sd_sent": ("ждём ответа", "awaiting a reply"),
    "order_sd_booked": ("записан(а)", "booked"),
    "order_sd_confirmed": ("выход подтверждён", "confirmed"),
    "order_sd_checked_in": ("отметка по ссылке", "checked in by link"),
    "order_sd_arrived": ("на месте", "arrived"),
    "order_sd_late": ("опоздание", "late"),
    "order_sd_left_early": ("ранний уход", "left early"),
    "order_sd_no_show": ("неявка", "no-show"),
    "order_sd_no_show_pending": (
        "неявка? (прораб может отменить)",
        "no-show? (the foreman may undo)",
    ),
    "order_sd_sent_home": ("отправлен(а) домой", "sent home"),
    "order_sd_sent_home_pending": (
        "отправлен(а) домой? (прораб может отменить)",
        "sent home? (the foreman may undo)",
    ),
    "order_sd_left_early_pending": (
        "ранний уход? (прораб может отменить)",
        "left early? (the foreman may undo)",
    ),
    "order_sd_released_on_site": ("отпущен(а) с объекта", "released on site"),
    "order_sd_standby": ("в резерве", "on standby"),
    "order_sd_declined": ("отказ", "declined"),
    "order_sd_expired": ("нет ответа", "no answer"),
    "order_sd_cancelled": ("запись отменена", "cancelled"),
    "order_sd_released": ("снят(а): нет подтверждения", "released: did not confirm"),
}
