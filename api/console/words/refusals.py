"""Refusals that are not the domain's, in words: the console's own checks by HTTP status
("http_<status>", or a word of their own), and input FastAPI refused, by the field
("field_<name>", every parameter of a console page) and the error's type ("invalid_<type>",
pydantic's stable codes, filled with its limits)."""

WORDS = {
    # -- by status, or the console check's own word --
    "http_error": ("Запрос не выполнен.", "The request was not done."),
    "http_403": ("Недостаточно прав.", "You may not do this."),
    "http_404": ("Такой страницы нет.", "There is no such page."),
    "http_405": (
        "Эта страница открывается только из формы.",
        "This address is only for sending a form.",
    ),
    "http_422": (
        "Страница не открылась: неверное значение в адресе или форме.",
        "The page did not open: a value in the address or the form is not accepted.",
    ),
    "http_429": (
        "Слишком много запросов. Попробуйте через {wait} с.",
        "Too many requests. Try again in {wait} s.",
    ),
    "http_503": (
        "Сервис сейчас занят, ничего не сохранено. Попробуйте ещё раз через несколько секунд.",
        "The service is busy; nothing was saved. Try again in a few seconds.",
    ),
    "http_database": (
        "База данных недоступна, ничего не сохранено. Попробуйте ещё раз через минуту.",
        "The database is unavailable; nothing was saved. Try again in a minute.",
    ),
    "http_form_expired": (
        "Форма устарела: обновите страницу и попробуйте ещё раз.",
        "The form has expired: reload the page and try again.",
    ),
    "http_nul": ("{field}: недопустимый символ.", "{field}: a forbidden character."),
    # -- the fields of the console's pages and forms --
    "field_unknown": ("Поле формы", "A form field"),
    "field_order_id": ("Номер заказа", "Order number"),
    "field_worker_id": ("Номер работника", "Worker number"),
    "field_user_id": ("Номер сотрудника", "Staff member number"),
    "field_penalty_id": ("Номер записи в журнале взысканий", "Ledger entry number"),
    "field_token": ("Ссылка для отметки", "Check-in link"),
    "field_order": ("Код заказа", "Order code"),
    "field_q": ("Поиск", "Search"),
    "field_skill": ("Работа", "Work"),
    "field_direction": ("Направление", "Direction"),
    "field_digest": ("Состояние страницы", "Page state"),
    "field_v": ("Состояние переписки", "Conversation state"),
    "field_why": ("Номер работника", "Worker number"),
    "field_next": ("Страница после входа", "Page after signing in"),
    "field_lang": ("Язык", "Language"),
    "field_csrf": ("Метка формы", "Form token"),
    "field_username": ("Логин", "Username"),
    "field_password": ("Пароль", "Password"),
    "field_old_password": ("Текущий пароль", "Current password"),
    "field_new_password": ("Новый пароль", "New password"),
    "field_repeat": ("Новый пароль ещё раз", "New password again"),
    "field_status": ("Отметка", "Mark"),
    "field_checkin": ("Подтверждение прихода", "Check-in confirmation"),
    "field_end": ("Конец смены", "End of the shift"),
    "field_reason": ("Причина", "Reason"),
    "field_body": ("Текст", "Text"),
    "field_answer": ("Ответ работника", "The worker's answer"),
    "field_wave": ("Волна предложений", "Wave of offers"),
    "field_back": ("Страница возврата", "Page to return to"),
    "field_field": ("Проверяемое поле", "Field to check"),
    "field_site_id": ("Объект", "Site"),
    "field_headcount": ("Сколько человек нужно", "Workers needed"),
    # fields several pages share (clients, sites, workers, staff, the order's change)
    "field_branch_id": ("Филиал", "Branch"),
    "field_organisation_id": ("Организация", "Organisation"),
    "field_organisation": ("Организация", "Organisation"),
    "field_full_name": ("Фамилия и имя", "Full name"),
    "field_phone": ("Телефон", "Phone"),
    "field_notes": ("Примечание", "Notes"),
    "field_lat": ("Широта", "Latitude"),
    "field_lon": ("Долгота", "Longitude"),
    "field_foreman_id": ("Бригадир", "Foreman"),
    "field_date": ("Дата", "Date"),
    "field_start": ("Начало", "Start"),
    "field_client_rate": ("Ставка клиента", "Client rate"),
    "field_worker_rate": ("Ставка работника", "Worker rate"),
    "field_overbooking_mode": ("Режим перебора", "Overbooking mode"),
    # -- what is wrong with it, by pydantic's error type --
    "invalid_other": ("недопустимое значение", "a value that is not accepted"),
    "invalid_missing": ("заполните это поле", "fill in this field"),
    "invalid_int_parsing": ("нужно целое число", "a whole number is needed"),
    "invalid_int_type": ("нужно целое число", "a whole number is needed"),
    "invalid_int_from_float": ("нужно целое число", "a whole number is needed"),
    "invalid_float_parsing": ("нужно число", "a number is needed"),
    "invalid_decimal_parsing": ("нужно число", "a number is needed"),
    "invalid_bool_parsing": ("нужно «да» или «нет»", "yes or no is needed"),
    "invalid_greater_than_equal": ("не меньше {ge}", "at least {ge}"),
    "invalid_greater_than": ("больше {gt}", "more than {gt}"),
    "invalid_less_than_equal": ("не больше {le}", "at most {le}"),
    "invalid_less_than": ("меньше {lt}", "less than {lt}"),
    "invalid_string_too_long": (
        "не длиннее {max_length} знаков",
        "at most {max_length} characters",
    ),
    "invalid_string_too_short": (
        "не короче {min_length} знаков",
        "at least {min_length} characters",
    ),
    "invalid_string_type": ("нужен текст", "text is needed"),
    "invalid_literal_error": ("такого варианта нет", "no such choice"),
    "invalid_enum": ("такого варианта нет", "no such choice"),
    "invalid_value_error": ("недопустимое значение", "a value that is not accepted"),
    # issue 20: a repeated Idempotency-Key (core/idempotency.py)
    "err_idempotency_key_reused": (
        "Этот ключ повтора уже отправлен с другими данными: повтор не выполнен.",
        "This Idempotency-Key was sent before with other data: nothing was done.",
    ),
    "err_idempotency_key_unanswered": (
        "Запрос с этим ключом повтора ещё не завершён: повторите позже.",
        "The request with this Idempotency-Key has not finished: try again later.",
    ),
    "err_idempotency_answer_withheld": (
        "Запрос с этим ключом повтора уже выполнен. Секрет в его ответе показывается только "
        "один раз: повтор его не покажет.",
        "The request with this Idempotency-Key was done. The secret in its answer is shown "
        "only once: a repeat does not show it again.",
    ),
}
