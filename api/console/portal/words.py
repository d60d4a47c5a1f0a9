"""The portal's words, key -> (Russian, English)."""

WORDS = {
    "portal_title": ("Ваши заказы", "Your orders"),
    "portal_nav_orders": ("Заказы", "Orders"),
    "portal_new_order": ("Новый заказ", "New order"),
    "portal_none": ("Заказов пока нет.", "No orders yet."),
    "portal_upcoming": ("Предстоящие", "Upcoming"),
    "portal_past": ("Прошедшие", "Past"),
    "portal_when": ("Когда", "When"),
    "portal_site": ("Объект", "Site"),
    "portal_skill": ("Специальность", "Skill"),
    "portal_headcount": ("Сколько человек", "How many people"),
    "portal_date": ("Дата", "Date"),
    "portal_start": ("Начало", "Start"),
    "portal_end": ("Конец", "End"),
    "portal_booked_of": ("{booked} из {headcount}", "{booked} of {headcount}"),
    "portal_booked": ("Записано", "Booked"),
    "portal_choose": ("Выберите…", "Choose…"),
    "portal_rates_note": (
        "Ставки — согласованные с офисом для этой специальности.",
        "The rates agreed with the office for the skill apply.",
    ),
    "portal_place": ("Разместить заказ", "Place the order"),
    "portal_errors": ("Проверьте поля", "Check these fields"),
    "portal_err_no_rate": (
        "Для этой специальности ставка не согласована: обратитесь в офис.",
        "No rate is agreed for this skill: ask the office.",
    ),
    "portal_no_skills": (
        "Офис ещё не согласовал с вами ставки: заказ пока можно сделать только по телефону.",
        "The office has agreed no rates with you yet: for now, order by phone.",
    ),
    "portal_order_title": ("Заказ {code}", "Order {code}"),
    "portal_back": ("Все заказы", "All orders"),
    "portal_coming": ("Кто придёт", "Who is coming"),
    "portal_nobody_yet": ("Пока никто не записан.", "Nobody booked yet."),
    "portal_day_arrived": ("на месте", "arrived"),
    "portal_day_late": ("опоздал(а)", "late"),
    "portal_day_not_yet": ("ещё нет", "not yet"),
    "portal_day_absent": ("не пришёл (не пришла)", "absent"),
    "portal_cancel": ("Отменить заказ", "Cancel the order"),
    "portal_cancel_title": ("Отмена заказа {code}", "Cancelling order {code}"),
    "portal_cancel_late": (
        "До начала меньше {hours} ч: каждому записанному работнику платится {pay} {currency}. "
        "Записано: {n}, итого {total} {currency}.",
        "Inside {hours} h of the start: each booked worker is paid {pay} {currency}. "
        "Booked: {n}, in all {total} {currency}.",
    ),
    "portal_cancel_free": (
        "До начала больше {hours} ч: отмена ничего не стоит.",
        "More than {hours} h before the start: cancelling costs nothing.",
    ),
    "portal_cancel_reason": ("Почему отменяете", "Why you cancel"),
    "portal_cancel_confirm": ("Да, отменить заказ", "Yes, cancel the order"),
    "portal_cancel_keep": ("Нет, оставить", "No, keep it"),
    "portal_timesheet": ("Табель", "Timesheet"),
    "portal_worker": ("Работник", "Worker"),
    "portal_approve": ("Подтвердить часы", "Approve the hours"),
    "portal_approve_note": (
        "Подтверждаются все строки, кроме оспоренных.",
        "Every line not disputed is approved.",
    ),
    "portal_dispute": ("Оспорить", "Dispute"),
    "portal_dispute_reason": ("Что не так", "What is wrong"),
    "portal_rate_title": ("Оцените работников", "Rate the workers"),
    "portal_stars": ("Звёзды", "Stars"),
    "portal_complaint": ("Жалоба", "Complaint"),
    "portal_complaint_reason": ("Причина жалобы", "What the complaint is about"),
    "portal_comment": ("Комментарий", "Comment"),
    "portal_rate": ("Оценить", "Rate"),
    "portal_rated": ("Ваша оценка: {stars} из 5", "Your rating: {stars} of 5"),
    "portal_not_closed": (
        "Табель появится, когда смена будет закрыта.",
        "The timesheet appears once the shift is closed.",
    ),
    "portal_cancelled_because": ("Заказ отменён: {reason}", "Order cancelled: {reason}"),
    # Orders starting sooner than the branch's client_order_approval_h wait for the office.
    "portal_approval_note": (
        "Заказ с началом ближе чем через {hours} ч требует одобрения офиса: до одобрения людям "
        "ничего не отправляется.",
        "Orders starting within {hours} h need the office's approval: nothing is sent to "
        "workers until then.",
    ),
    "portal_awaiting": (
        "Ждёт одобрения офиса. Людям ничего не отправлено; заказ можно отменить бесплатно.",
        "Awaiting the office's approval. Nothing has been sent to workers; you may cancel it "
        "at no cost.",
    ),
    "portal_st_awaiting_approval": ("ждёт одобрения офиса", "awaiting the office's approval"),
    "portal_st_declined": ("отклонён офисом", "declined by the office"),
    "portal_declined_because": ("Офис отклонил заказ: {reason}", "The office declined: {reason}"),
    "portal_cancel_awaiting": (
        "Заказ ещё не одобрен, людям ничего не отправлено: отмена ничего не стоит.",
        "The order is not approved yet and nothing was sent to workers: cancelling costs nothing.",
    ),
}
