"""Words of the errors of changing a placed order, repeating it, booking a named worker and a
top-up (dispatch/changes/, dispatch/repeat/): merged into words/errors.py's WORDS."""

WORDS = {
    # -- changing an order (dispatch/changes) --
    "err_order_not_changeable": (
        "Заказ отменён или завершён: его уже не изменить.",
        "The order is cancelled or completed: it can no longer be changed.",
    ),
    "err_order_change_after_start": (
        "Смена уже началась: число людей и время не меняются (добор, отпуск людей, часы).",
        "The shift has begun: headcount and times stay (top up, release extras, record hours).",
    ),
    "err_order_notes_too_long": (
        "Примечание не длиннее 1000 знаков.",
        "Notes are at most 1000 characters.",
    ),
    "err_order_change_value_missing": ("Это поле нельзя оставить пустым.", "This cannot be empty."),
    "err_no_free_order_code": (
        "Не удалось выбрать свободный код заказа, попробуйте ещё раз.",
        "No free order code could be drawn; try again.",
    ),
    # -- approval of client orders placed inside the lead time (dispatch/orders/approval.py) --
    "err_order_not_awaiting_approval": (
        "Заказ уже не ждёт одобрения: его одобрили, отклонили или отменили.",
        "The order no longer awaits approval: it was approved, declined or cancelled.",
    ),
    "err_order_approval_after_start": (
        "Начало смены уже прошло: одобрять поздно — отклоните заказ.",
        "The shift's start has passed: too late to approve; decline the order.",
    ),
    "err_order_approval_office_only": (
        "Одобрить или отклонить заказ может только офис.",
        "Only the office approves or declines an order.",
    ),
    "err_start_inside_lead_time": (
        "Так близко к началу это может сделать только офис: позвоните диспетчеру.",
        "This close to the start only the office can do this: ask the dispatcher.",
    ),
    # -- repeat orders (dispatch/repeat/) --
    "err_pattern_not_found": ("Такого повтора заказа нет.", "No such repeat pattern."),
    "err_pattern_weekdays_invalid": (
        "выберите хотя бы один день недели",
        "choose at least one weekday",
    ),
    "err_pattern_until_past": (
        "последний день не может быть в прошлом",
        "the last day cannot be in the past",
    ),
    "err_pattern_until_before_order": (
        "последний день должен быть позже дня самого заказа",
        "the last day must come after the order's own day",
    ),
    "err_pattern_until_too_far": (
        "последний день не позже чем через год",
        "the last day must be within a year",
    ),
    "err_pattern_lead_out_of_range": (
        "заранее: от 1 до 168 часов",
        "lead time: 1 to 168 hours",
    ),
    "err_pattern_day_taken": (
        "Заказ на этот день уже создан.",
        "This day's order is already placed.",
    ),
    "err_order_code_taken": ("Код заказа уже занят.", "The order code is taken."),
    # -- a named booking and a top-up (dispatch/changes/named_errors.py) --
    "err_named_not_eligible": (
        "Этого работника нельзя записать на заказ.",
        "This worker cannot be booked on the order.",
    ),
    "err_named_not_eligible_inactive": ("заблокирован(а)", "blocked"),
    "err_named_not_eligible_not_vetted": ("нет собеседования", "not vetted"),
    "err_named_not_eligible_opted_out": ("отказ от СМС", "opted out of SMS"),
    "err_named_not_eligible_phone_unreachable": ("номер недоступен", "number unreachable"),
    "err_named_not_eligible_suspended": ("отстранён(а)", "suspended"),
    "err_named_not_eligible_patent_expired": (
        "патент истекает до смены",
        "work patent expires before the shift",
    ),
    "err_named_not_eligible_no_skill": ("нет нужной специальности", "does not have the skill"),
    "err_named_not_eligible_booked_elsewhere": (
        "уже занят на другом заказе в это время",
        "booked on another order at that time",
    ),
    "err_named_not_eligible_blocked_by_client": (
        "в чёрном списке этого клиента",
        "blocked by this client",
    ),
    "err_already_booked_here": (
        "Работник уже записан на этот заказ.",
        "The worker is already booked on this order.",
    ),
    "err_order_full": (
        "Заказ уже набран. Чтобы записать сверх плана, отметьте «Записать сверх плана».",
        "The order is full. To book beyond the target, tick “Book over the target”.",
    ),
    "err_top_up_not_open": (
        "Добавить людей можно только во время смены.",
        "Workers can be added only while the shift is under way.",
    ),
    "err_top_up_not_open_not_started": (
        "Смена ещё не началась: измените число людей в заказе.",
        "The shift has not started: change the order's headcount instead.",
    ),
    "err_top_up_not_open_ended": ("Смена уже закончилась.", "The shift has ended."),
    "err_top_up_not_open_awaiting_approval": (
        "Заказ ещё ждёт одобрения офиса: добирать людей нельзя.",
        "The order still awaits the office's approval: no top-up yet.",
    ),
    "err_top_up_not_open_closed": (
        "Заказ закрыт или отменён.",
        "The order is closed or cancelled.",
    ),
    "err_top_up_count_invalid": (
        "Сколько ещё людей: от 1 до 50.",
        "How many more: 1 to 50.",
    ),
    "err_complaint_needs_comment": (
        "Жалоба — это взыскание: напишите в комментарии, что случилось.",
        "A complaint is a penalty: say in the comment what happened.",
    ),
    "err_complaint_reason_invalid": (
        "Выберите причину из списка; причина бывает только у жалобы.",
        "Pick a reason from the list; only a complaint has a reason.",
    ),
    # -- clients as users (issue 18) --
    "err_client_sets_no_rates": (
        "Ставки согласует офис: клиент их не указывает.",
        "Rates are agreed with the office: a client does not set them.",
    ),
    "err_client_sets_no_foreman": (
        "Бригадира назначает офис: клиент его не указывает.",
        "The office chooses the foreman: a client does not set one.",
    ),
    "err_client_sets_no_overbooking": (
        "Сколько людей звать с запасом, решает офис: клиент это не указывает.",
        "The office decides how far to overbook: a client does not set it.",
    ),
    "err_worker_not_had": (
        "Этот работник у вас не работал: отметить можно только тех, кто был у вас на смене.",
        "This worker has not worked for you: only those booked on your orders can be marked.",
    ),
    "err_no_agreed_rate": (
        "Для этой специальности с клиентом не согласована ставка: укажите её.",
        "No rate is agreed with the client for this skill: enter one.",
    ),
    "err_client_admin_only": (
        "Это может только администратор клиента или руководитель филиала.",
        "Only the client's admin or the branch's managers may do this.",
    ),
    "err_client_user_not_found": ("Такого пользователя у клиента нет.", "No such client user."),
    "err_api_key_not_found": ("Такого API-ключа у клиента нет.", "No such API key."),
    "err_last_client_admin": (
        "Это последний администратор клиента: сначала назначьте другого.",
        "This is the client's last admin: make someone else an admin first.",
    ),
    "err_rate_invalid": (
        "Ставки: специальность указана дважды или сумма отрицательная.",
        "Rates: a skill is listed twice or an amount is negative.",
    ),
}
