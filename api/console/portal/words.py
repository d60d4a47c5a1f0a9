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
    # The system's reason (approval.NOT_APPROVED) when the start came before a decision.
    "portal_not_approved": ("не одобрен до начала смены", "not approved before the start"),
    "portal_cancel_awaiting": (
        "Заказ ещё не одобрен, людям ничего не отправлено: отмена ничего не стоит.",
        "The order is not approved yet and nothing was sent to workers: cancelling costs nothing.",
    ),
    # the client's users and API keys (portal/team.py; shared with the office's client page)
    "portal_nav_team": ("Сотрудники и ключи", "Team and keys"),
    "team_title": ("Сотрудники и ключи доступа", "Your team and API keys"),
    "team_users": ("Пользователи портала", "Portal users"),
    "team_users_hint": (
        "Сотрудники клиента, которые входят в портал. Администратор добавляет и отключает "
        "пользователей и выдаёт ключи доступа.",
        "The client's people who sign in to the portal. An admin adds and switches off users "
        "and makes the access keys.",
    ),
    "team_username": ("Логин", "Username"),
    "team_password": ("Пароль", "Password"),
    "team_password_hint": (
        "Не короче 10 знаков и не равен логину; сообщите его сотруднику сами.",
        "At least 10 characters, not the username; pass it on to them yourself.",
    ),
    "team_full_name": ("Имя и фамилия", "Full name"),
    "team_phone": ("Телефон", "Phone"),
    "team_admin": (
        "Администратор (добавляет пользователей и ключи)",
        "Admin (adds users and keys)",
    ),
    "team_admin_hint": (
        "У клиента всегда остаётся хотя бы один администратор.",
        "A client always keeps at least one admin.",
    ),
    "team_admin_badge": ("администратор", "admin"),
    "team_active": ("активен", "active"),
    "team_inactive": ("отключён", "switched off"),
    "team_no_users": ("Пользователей пока нет.", "No users yet."),
    "team_add": ("Добавить пользователя", "Add a user"),
    "team_add_submit": ("Добавить", "Add the user"),
    "team_errors": ("Проверьте поля", "Check these fields"),
    "team_remove": ("Отключить", "Switch off"),
    "team_remove_note": (
        "Пользователь больше не сможет войти; его сеансы закончатся сейчас же.",
        "They can no longer sign in; their sessions end at once.",
    ),
    "team_remove_self": (
        "Это вы: после отключения вы выйдете из портала и больше не сможете войти.",
        "This is you: once switched off you are signed out and cannot sign in again.",
    ),
    "team_remove_confirm": ("Да, отключить {name}", "Yes, switch off {name}"),
    "team_keys": ("Ключи доступа для программ", "API keys"),
    "team_keys_hint_portal": (
        "Ключ даёт вашей программе доступ к заказам клиента, как у обычного пользователя. "
        "Отзовите ключ, если он больше не нужен или мог попасть в чужие руки.",
        "A key lets your own software reach the client's orders, as a plain user would. "
        "Revoke a key no longer needed, or one that may have leaked.",
    ),
    "team_keys_hint_office": (
        "Ключи выдаёт администратор клиента в портале; здесь их можно отозвать.",
        "The client's admin makes keys in the portal; here they can be revoked.",
    ),
    "team_no_keys": ("Ключей нет.", "No keys."),
    "team_key_name": ("Название ключа (для чего он)", "Key name (what it is for)"),
    "team_key_create": ("Создать ключ", "Create a key"),
    "team_key_made": ("Ключ «{name}» создан:", "Key \u201c{name}\u201d created:"),
    "team_key_once": (
        "Скопируйте его сейчас: больше он показан не будет. Программа передаёт его в "
        "заголовке X-API-Key.",
        "Copy it now: it will not be shown again. Your software sends it in the X-API-Key header.",
    ),
    "team_key_created": ("создан {at}", "created {at}"),
    "team_key_live": ("действует", "active"),
    "team_key_revoked_at": ("отозван {at}", "revoked {at}"),
    "team_revoke": ("Отозвать", "Revoke"),
    "team_revoke_note": (
        "Программы с этим ключом сразу потеряют доступ; вернуть ключ нельзя.",
        "Software using this key loses access at once; a revoked key cannot be restored.",
    ),
    "team_revoke_confirm": ("Да, отозвать «{name}»", "Yes, revoke \u201c{name}\u201d"),
}
