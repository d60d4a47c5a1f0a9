"""The domain's errors in words, by their stable code (core/errors.py): "err_<code>", and
"err_<code>_<reason>" for an error's finer reasons. Every page shows refusals from here."""

from api.console.words.order_errors import WORDS as ORDER_ERROR_WORDS
from api.console.words.signoff_errors import WORDS as SIGNOFF_ERROR_WORDS

WORDS = {
    **ORDER_ERROR_WORDS,
    **SIGNOFF_ERROR_WORDS,
    # -- the base kinds (an error with no finer code) --
    "err_domain_error": ("Действие не выполнено.", "The action was not done."),
    "err_not_found": ("Не найдено.", "Not found."),
    "err_conflict": (
        "Не получилось: данные уже изменились.",
        "Not done: it clashes with what is already recorded.",
    ),
    "err_forbidden": ("Недостаточно прав.", "You may not do this."),
    "err_page_not_for_role": (
        "Эта страница не для вашей роли.",
        "This page is not open to your role.",
    ),
    "err_invalid_input": ("Недопустимое значение.", "This value is not accepted."),
    "err_webhook_url_invalid": (
        "Адрес вебхука: нужен http:// или https:// и внешний адрес.",
        "Webhook URL: an http:// or https:// address outside our network is needed.",
    ),
    "err_webhook_events_invalid": (
        "Выберите события из списка.",
        "Choose events from the list.",
    ),
    "err_field_required": ("Заполните это поле.", "Fill in this field."),
    "err_text_too_long": ("Слишком длинный текст: сократите его.", "Too long: shorten it."),
    "err_date_invalid": (
        "Дата пишется как 01.12.2026 или 2026-12-01, и такой день должен быть.",
        "Write the date as 01.12.2026 or 2026-12-01, and a day that exists.",
    ),
    # -- not found --
    "err_branch_not_found": ("Филиал не найден.", "No such branch."),
    "err_worker_branch_not_found": (
        "Филиал работника не найден.",
        "The worker's branch does not exist.",
    ),
    "err_client_not_found": ("Клиент не найден.", "No such client."),
    "err_site_not_found": ("Такого объекта нет.", "No such site."),
    "err_user_not_found": ("Сотрудник не найден.", "No such staff member."),
    "err_order_not_found": ("Заказ не найден.", "No such order."),
    "err_offer_not_found": ("Предложение не найдено.", "No such offer."),
    "err_worker_not_found": ("Работник не найден.", "No such worker."),
    "err_penalty_not_found": ("Такой строки в журнале взысканий нет.", "No such entry."),
    "err_wording_not_found": ("Такого текста у филиала нет.", "The branch has no such wording."),
    "err_checkin_link_not_found": (
        "Ссылка недействительна. Откройте ссылку из СМС целиком.",
        "This link is not valid. Open the whole link from the SMS.",
    ),
    # -- registry and staff --
    "err_duplicate_name": ("Такое имя уже занято.", "This name is already taken."),
    "err_head_office_only": (
        "Это делает только головной офис.",
        "Only the head office does this.",
    ),
    "err_not_a_foreman": (
        "Это не действующий бригадир этого филиала.",
        "Not an active foreman of this branch.",
    ),
    "err_inn_invalid": ("ИНН не подходит.", "Not a valid INN."),
    "err_inn_invalid_format": (
        "ИНН — это 10 цифр (организация) или 12 (ИП, физлицо).",
        "An INN is 10 digits (a company) or 12 (a sole trader or a person).",
    ),
    "err_inn_invalid_checksum": (
        "Контрольные цифры ИНН не сходятся: проверьте, нет ли опечатки.",
        "The INN's check digits do not match: look for a typo.",
    ),
    "err_kpp_invalid": (
        "КПП — 9 знаков: 4 цифры, 2 цифры или латинские буквы, 3 цифры.",
        "A KPP is 9 characters: 4 digits, 2 digits or Latin capitals, 3 digits.",
    ),
    "err_ogrn_invalid": ("ОГРН не подходит.", "Not a valid OGRN."),
    "err_ogrn_invalid_format": (
        "ОГРН — это 13 цифр (ОГРНИП — 15).",
        "An OGRN is 13 digits (an OGRNIP 15).",
    ),
    "err_ogrn_invalid_checksum": (
        "Контрольная цифра ОГРН не сходится: проверьте, нет ли опечатки.",
        "The OGRN's check digit does not match: look for a typo.",
    ),
    "err_favourite_blocked": (
        "Клиент заблокировал этого работника: сначала снимите блокировку.",
        "The client has blocked this worker: unblock them first.",
    ),
    "err_favourite_not_found": (
        "Этого работника нет среди избранных клиента.",
        "This worker is not among the client's favourites.",
    ),
    "err_policy_invalid": (
        "Недопустимое значение настройки.",
        "This setting's value is not accepted.",
    ),
    "err_coordinate_out_of_range": (
        "Координаты вне допустимых пределов.",
        "The coordinates are out of range.",
    ),
    "err_template_invalid": (
        "Текст сообщения не подходит.",
        "The message text cannot be used.",
    ),
    # -- workers --
    "err_phone_taken": (
        "Этот номер уже записан за другим работником.",
        "This number belongs to another worker.",
    ),
    "err_phone_invalid": ("Это не номер мобильного телефона.", "Not a mobile phone number."),
    "err_unknown_skill": ("неизвестная работа", "unknown skill"),
    "err_skills_required": ("Укажите хотя бы одну работу.", "Give at least one skill."),
    "err_vetted_by_vetting": (
        "Проверку работника отмечают проверкой документов, а не правкой карточки.",
        "A worker is vetted by a vetting of their papers, not by an edit.",
    ),
    "err_status_by_block": (
        "Работника блокируют и разблокируют кнопками блокировки, а не правкой карточки.",
        "A worker is blocked and unblocked by those actions, not by an edit.",
    ),
    # -- orders --
    "err_time_without_offset": (
        "Время без часового пояса.",
        "The time has no offset.",
    ),
    "err_headcount_out_of_range": ("от 1 до 500 человек", "1 to 500 workers"),
    "err_shift_in_past": (
        "смена должна начинаться в будущем",
        "the shift must start in the future",
    ),
    "err_shift_too_far_ahead": (
        "смена должна начинаться не позже чем через год",
        "the shift must start within a year",
    ),
    "err_shift_ends_before_start": (
        "смена должна заканчиваться позже, чем начинается",
        "the shift must end after it starts",
    ),
    "err_shift_too_long": ("смена длится не больше 24 часов", "a shift lasts at most 24 hours"),
    "err_negative_rate": ("ставка не может быть отрицательной", "a rate cannot be negative"),
    "err_reason_required": ("укажите причину", "a reason is required"),
    "err_order_finished": ("Заказ уже завершён или отменён.", "The order is already over."),
    "err_order_under_way": (
        "Смена уже идёт (есть отметки): отпустите людей и закройте смену.",
        "The shift is under way (marks are made): release the workers and close the shift.",
    ),
    # -- filling --
    "err_order_closed": ("Заказ больше не принимает ответы.", "The order takes no more answers."),
    "err_offer_closed": ("Предложение уже закрыто.", "The offer is closed."),
    "err_filling_over": (
        "Заказ больше не набирается: смена началась, заказ отменён или закрыт.",
        "The order is no longer being filled: the shift has begun, or it was cancelled or closed.",
    ),
    "err_booked_elsewhere": (
        "Работник уже записан на другой заказ в это время.",
        "The worker is booked on another order at that time.",
    ),
    "err_not_eligible": (
        "Работник сейчас не может взять этот заказ.",
        "The worker cannot take this order now.",
    ),
    "err_offer_action_not_open": (
        "Сейчас это сделать нельзя: статус работника уже изменился. Смотрите строку.",
        "This cannot be done now: the worker's status has changed. See the row.",
    ),
    "err_offer_text_waiting": (
        "Предыдущее СМС с предложением ещё не отправлено.",
        "The previous offer text has not been sent yet.",
    ),
    # -- on site --
    "err_order_cancelled": ("Заказ отменён.", "The order is cancelled."),
    "err_attendance_final": (
        "Смена закрыта: отметки окончательные.",
        "The shift is closed; the marks are final.",
    ),
    "err_not_booked": (
        "Этот работник не записан на заказ.",
        "This worker is not booked on the order.",
    ),
    "err_shift_not_started": (
        "Смена ещё не началась.",
        "The shift has not started.",
    ),
    "err_unknown_end": (
        "Выберите конец смены: сейчас или по расписанию.",
        "Choose the end of the shift: now or as scheduled.",
    ),
    "err_end_not_chosen": (
        "Смена ещё идёт: выберите, закончить её сейчас для всех или в назначенное время.",
        "The shift is still under way: choose whether it ends now for everyone or as scheduled.",
    ),
    "err_no_arrival": (
        "Сначала отметьте приход: уйти может только пришедший.",
        "Mark the arrival first: only a worker who came can leave.",
    ),
    "err_unknown_mark": ("Неизвестная отметка.", "Unknown mark."),
    "err_mark_in_future": ("Время отметки ещё не наступило.", "The mark's time is in the future."),
    "err_arrival_too_early": (
        "Рано: приход отмечают не раньше чем за 3 ч до начала.",
        "Too early: arrivals are marked from 3 h before the start.",
    ),
    "err_arrival_after_end": (
        "Смена уже закончилась: приход позже конца не отмечается.",
        "The shift is over: no arrival can be marked after the end.",
    ),
    "err_left_before_arrival": (
        "Уход не может быть раньше прихода.",
        "Leaving cannot come before the arrival.",
    ),
    "err_sent_home_reason_required": ("Укажите, почему отправлен домой.", "Say why sent home."),
    "err_sent_home_reason_unknown": ("Неизвестная причина.", "Unknown reason for sending home."),
    "err_reason_not_asked": (
        "Причина указывается только при отправке домой.",
        "A reason is given only when sending a worker home.",
    ),
    "err_not_checked_in": (
        "Работник не отмечался: подтверждать нечего.",
        "The worker has not checked in: nothing to confirm.",
    ),
    "err_nothing_to_undo": (
        "Отменять нечего: отметка уже снята или заменена.",
        "Nothing to undo: the mark was already taken back or replaced.",
    ),
    "err_undo_too_late": (
        "Время на отмену вышло: отметка уже действует. Исправьте её другой отметкой.",
        "The time to undo is over: the mark counts. Correct it with another mark.",
    ),
    "err_did_not_work": (
        "Этот работник не работал на заказе.",
        "This worker did not work on the order.",
    ),
    "err_review_already_given": (
        "Этот работник уже получил отзыв за этот заказ.",
        "This worker already has a review for this order.",
    ),
    # -- the ledger --
    "err_penalty_already_reversed": (
        "Это взыскание уже снято.",
        "This entry is already reversed.",
    ),
    "err_reversal_not_reversible": (
        "Снятие взыскания нельзя отменить.",
        "A reversal cannot be reversed: it is itself a reversal.",
    ),
    "err_penalty_of_another_branch": (
        "Взыскание назначено на заказе другого филиала: снять его может только этот филиал "
        "или головной офис.",
        "The entry was recorded on another branch's order: only that branch or the head "
        "office may reverse it.",
    ),
    # -- issue 19: a worker's dispute of a penalty --
    "err_dispute_not_found": ("Такого спора нет.", "No such dispute."),
    "err_dispute_decided": (
        "Спор уже решён (другим сотрудником или по сроку).",
        "The dispute is already decided (by someone else, or at its deadline).",
    ),
    "err_dispute_office_only": (
        "Споры работников решает офис: администратор, менеджер или диспетчер.",
        "Workers' disputes are decided by the office: an admin, a manager or a dispatcher.",
    ),
    # -- check-in links: the refusal's reason ({time}: when check-in opens) --
    "err_checkin_refused": ("Отметиться сейчас нельзя.", "You cannot check in now."),
    "err_checkin_refused_cancelled": (
        "Заказ отменён. Приходить не нужно.",
        "The order is cancelled. Please do not come.",
    ),
    "err_checkin_refused_closed": ("Смена уже закрыта.", "The shift is already closed."),
    "err_checkin_refused_not_booked": (
        "Вы больше не записаны на этот заказ.",
        "You are no longer booked on this order.",
    ),
    "err_checkin_refused_expired": (
        "Ссылка больше не действует: смена закончилась.",
        "The link has expired: the shift is over.",
    ),
    "err_checkin_refused_too_early": (
        "Слишком рано: отметиться можно с {time}.",
        "Too early: you can check in from {time}.",
    ),
    "err_checkin_refused_marked": (
        "Бригадир уже отметил вас.",
        "The foreman has already marked you.",
    ),
    # -- staff and passwords --
    "err_password_change_required": (
        "Сначала задайте свой пароль вместо временного.",
        "First choose your own password in place of the one-time one.",
    ),
    "err_weak_password": ("Такой пароль не подходит", "This password is not accepted"),
    "err_last_active_admin": (
        "Это последний активный администратор: отключить нельзя.",
        "This is the last active admin: they cannot be switched off.",
    ),
    "err_may_not_manage_user": (
        "Управляющий отключает и меняет пароли только диспетчерам и бригадирам своего филиала.",
        "A manager switches off and resets only their branch's dispatchers and foremen.",
    ),
    "err_wrong_password": ("Текущий пароль неверен", "The current password is wrong"),
    "err_weak_password_required": ("Введите пароль", "Enter a password"),
    "err_weak_password_too_short": ("Не короче 10 знаков", "At least 10 characters"),
    "err_weak_password_too_long": ("Не длиннее 200 знаков", "At most 200 characters"),
    "err_weak_password_is_username": ("Пароль не должен совпадать с логином", "Not your username"),
    "err_weak_password_unchanged": (
        "Новый пароль совпадает с текущим",
        "The new password is the same as the current one",
    ),
    # -- vetting, blocking, opting in (workers/vetting.py) --
    "err_document_invalid": (
        "Укажите номер документа, а для патента — срок действия.",
        "Give the document's number, and for a patent its expiry date.",
    ),
    "err_document_twice": (
        "Документ этого вида уже указан.",
        "A document of this kind is already listed.",
    ),
    "err_passport_required": (
        "Для допуска нужен паспорт работника.",
        "Approval needs the worker's passport.",
    ),
    "err_patent_expired": (
        "Срок патента уже истёк: допустить по нему нельзя.",
        "This patent has already expired: it cannot approve the worker.",
    ),
    "err_worker_already_blocked": ("Работник уже заблокирован.", "The worker is already blocked."),
    "err_worker_not_blocked": ("Работник не заблокирован.", "The worker is not blocked."),
    "err_worker_not_opted_out": (
        "Работник не отказывался от СМС.",
        "The worker has not opted out of SMS.",
    ),
    # issue 19 self-service: payouts recorded, a worker's pause
    "err_paid_through_backwards": (
        "Выплаты уже отмечены по более позднюю дату: назад дату не перенести.",
        "Payouts are already recorded through a later date: it cannot go back.",
    ),
    "err_paid_through_office_only": (
        "Отмечать выплаты может только офис.",
        "Only the office records payouts.",
    ),
    "err_worker_not_paused": ("У работника нет паузы.", "The worker is not paused."),
    # -- each eligibility rule (dispatch/fill/eligibility.py), as the refusal of a worker --
    "err_not_eligible_inactive": ("заблокирован(а)", "blocked"),
    "err_not_eligible_not_vetted": ("нет собеседования", "not vetted"),
    "err_not_eligible_opted_out": ("отказ от СМС", "opted out of SMS"),
    "err_not_eligible_phone_unreachable": ("номер недоступен", "number unreachable"),
    "err_not_eligible_suspended": ("отстранён(а)", "suspended"),
    "err_not_eligible_paused": ("сам(а) взял(а) паузу по СМС", "paused offers by SMS"),
    "err_not_eligible_patent_expired": (
        "патент истекает до дня смены",
        "work patent expires before the shift's day",
    ),
    "err_not_eligible_no_skill": ("нет нужной специальности", "does not have the skill"),
    "err_not_eligible_too_far": ("живёт дальше радиуса поиска", "lives beyond the search radius"),
    "err_not_eligible_booked_elsewhere": (
        "уже занят на другом заказе в это время",
        "booked on another order at that time",
    ),
    "err_not_eligible_said_busy": (
        "написал(а) по СМС, что занят(а) в этот день",
        "said by SMS they are busy that day",
    ),
    "err_not_eligible_blocked_by_client": (
        "в чёрном списке этого клиента",
        "blocked by this client",
    ),
    "err_not_eligible_already_offered": (
        "этот заказ ему уже предлагали",
        "already offered this order",
    ),
    # -- a branch's settings and texts, by the refusal's reason --
    "err_policy_invalid_unknown": ("Нет такой настройки.", "No such setting."),
    "err_policy_invalid_not_a_value": ("Введите число.", "Enter a number."),
    "err_policy_invalid_not_a_choice": (
        "Выберите один из вариантов.",
        "Choose one of the options.",
    ),
    "err_policy_invalid_below": ("Меньше наименьшего.", "Below the lowest allowed."),
    "err_policy_invalid_above": ("Больше наибольшего.", "Above the highest allowed."),
    "err_policy_invalid_radii": (
        "Не больше наибольшего радиуса.",
        "Must not exceed the widest radius.",
    ),
    "err_policy_invalid_confirm_window": (
        "Должно быть меньше часов, чем «просить подтвердить».",
        "Must be fewer hours than asking to confirm.",
    ),
    "err_policy_invalid_late_window": (
        "Должно быть меньше, чем «опоздание как неявка».",
        "Must be less than late as a no-show.",
    ),
    "err_template_invalid_unreadable": (
        "Фигурные скобки не закрыты: {поле} пишется в скобках.",
        "Unbalanced braces: a field is written as {field}.",
    ),
    "err_template_invalid_unknown_fields": (
        "Здесь нет такой подстановки: смотрите список под полем.",
        "No such field here: see the list under the text.",
    ),
    "err_template_invalid_empty": ("Текст пуст.", "The text is empty."),
    "err_template_invalid_needs_code": (
        "Нужен {code}: работник с несколькими предложениями отвечает им.",
        "It must carry {code}: a worker with several offers answers with it.",
    ),
    "err_template_invalid_too_long": (
        "Слишком длинно: больше двух сегментов с самыми длинными значениями.",
        "Too long: over two segments with the longest values.",
    ),
    # -- the console's CSV import of workers --
    "err_import_run_not_found": ("Такой загрузки нет.", "No such import."),
    "err_import_not_allowed": (
        "Загружать работников может администратор, менеджер, диспетчер или рекрутер.",
        "Only an admin, a manager, a dispatcher or a recruiter may import workers.",
    ),
    "err_import_already_started": (
        "Эта загрузка уже запущена.",
        "This import has already started.",
    ),
}
