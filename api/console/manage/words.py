"""Words of a manager's pages: adding and editing staff, the branch's settings (each knob's
name and meaning; the bounds come from dispatch/registry/knobs.py) and its SMS texts."""

WORDS = {
    # -- staff: adding and editing --
    "staff_role_recruiter": ("рекрутер", "recruiter"),
    # the fields of these pages (FastAPI's refusals name them)
    "field_role": ("Роль", "Role"),
    "field_kind": ("Вид сообщения", "Kind of message"),
    "staff_add_title": ("Новый сотрудник", "New staff member"),
    "staff_add_link": ("Добавить сотрудника", "Add a staff member"),
    "staff_add_hint": (
        "Пароль создаётся сам и показывается один раз; при первом входе сотрудник задаст свой.",
        "A one-time password is made and shown once; they choose their own at first sign-in.",
    ),
    "staff_add_submit": ("Добавить", "Add"),
    "staff_add_done": (
        "{name} добавлен. Временный пароль: {password} — он показан один раз.",
        "{name} is added. One-time password: {password} — it is shown once.",
    ),
    "staff_full_name": ("Имя и фамилия", "Full name"),
    "staff_phone": ("Телефон", "Phone"),
    "staff_edit": ("Изменить", "Edit"),
    "staff_edit_title": ("Сотрудник {name}", "Staff member {name}"),
    "staff_edit_done": ("Данные {name} сохранены.", "{name}'s details are saved."),
    "staff_cancel": ("Назад к сотрудникам", "Back to staff"),
    # -- branch settings --
    "settings_title": ("Настройки филиала", "Branch settings"),
    "settings_heading": ("Настройки филиала {branch}", "Settings of branch {branch}"),
    "settings_pick": ("Выберите филиал", "Choose a branch"),
    "settings_bounds": ("от {ge} до {le}", "from {ge} to {le}"),
    "settings_default": ("по умолчанию {value}", "default {value}"),
    "settings_choices": ("варианты: {choices}", "choices: {choices}"),
    "settings_save": ("Сохранить настройки", "Save settings"),
    "settings_saved": ("Настройки сохранены.", "Settings saved."),
    "settings_not_saved": (
        "Настройки не сохранены: исправьте отмеченные поля.",
        "Settings not saved: mend the marked fields.",
    ),
    "settings_preview": ("Что это значит", "What this does"),
    "settings_group_filling": ("Набор людей", "Filling"),
    "settings_group_confirmations": ("Подтверждения и напоминания", "Confirmations and reminders"),
    "settings_group_penalties": ("Опоздания и взыскания", "Lateness and penalties"),
    "settings_group_pay": ("Оплата", "Pay"),
    "settings_group_site": ("На объекте", "On site"),
    "settings_yes": ("да", "yes"),
    "settings_no": ("нет", "no"),
    "settings_mode_fixed": ("фиксированный коэффициент", "fixed factor"),
    "settings_mode_adaptive": ("по надёжности работников", "by workers' reliability"),
    "settings_rounding_minute": ("до минуты", "to the minute"),
    "settings_rounding_quarter": ("до четверти часа", "to the quarter-hour"),
    "settings_rounding_half": ("до получаса", "to the half-hour"),
    # previews: the branch's figures through the real rules
    "settings_pv_fixed": (
        "{wanted} нужно → {booked} записываем",
        "{wanted} wanted → {booked} booked",
    ),
    "settings_pv_adaptive": (
        "{wanted} нужно → около {booked} записываем, если все новички (надёжность {p}); "
        "не больше {cap}",
        "{wanted} wanted → about {booked} booked if all are newcomers (reliability {p}); "
        "at most {cap}",
    ),
    "settings_pv_waves": ("Радиусы волн: {radii}", "Wave radii: {radii}"),
    "settings_km": ("{km} км", "{km} km"),
    "settings_pv_widest": (
        "Самая широкая волна ({km} км) уходит через {minutes} мин после первой.",
        "The widest wave ({km} km) goes out {minutes} min after the first.",
    ),
    "settings_pv_wave_size": (
        "{slots} свободных мест → {offers} предложений в волне",
        "{slots} open places → {offers} offers in a wave",
    ),
    "settings_pv_confirm": (
        "Смена в 08:00: просим подтвердить в {ask}, неподтвердивших снимаем в {by}.",
        "A shift at 08:00: asked to confirm at {ask}, the unconfirmed released at {by}.",
    ),
    "settings_pv_remind": ("Напоминание в {at}.", "Reminder at {at}."),
    "settings_pv_no_remind": ("Напоминаний нет.", "No reminder."),
    "settings_pv_translit": (
        "Кириллица уходит латиницей (GSM-7: 160 знаков в сегменте вместо 70).",
        "Cyrillic goes out in Latin letters (GSM-7: 160 characters a segment, not 70).",
    ),
    "settings_pv_on_time": (
        "Пришёл через {minutes} мин после начала: вовремя.",
        "Came {minutes} min after the start: on time.",
    ),
    "settings_pv_late": (
        "Пришёл через {minutes} мин после начала: опоздание, штраф {fine} {currency}, "
        "{points} балл(а).",
        "Came {minutes} min after the start: late, fine {fine} {currency}, {points} point(s).",
    ),
    "settings_pv_no_show": (
        "Позже {minutes} мин или не пришёл: неявка, штраф {fine} {currency}, "
        "отстранение на {days} дн.",
        "Later than {minutes} min or absent: a no-show, fine {fine} {currency}, "
        "suspended for {days} days.",
    ),
    "settings_pv_strikes": (
        "{strikes} взыскания за {window} дн. → отстранение на {days} дн.; "
        "{clean} смен без замечаний снимают одно.",
        "{strikes} strikes in {window} days → suspended for {days} days; "
        "{clean} clean shifts forgive one.",
    ),
    "settings_pv_dispute": (
        "Спор работника (СПОР и номер заказа), открытый {opened}, без решения офиса "
        "за {hours} ч снимает взыскание {at}.",
        "A worker's dispute (DISPUTE and the order's code) opened {opened} and not decided "
        "within {hours} h reverses the penalty at {at}.",
    ),
    "settings_pv_approval": (
        "Заказ клиента, начинающийся менее чем через {hours} ч, ждёт одобрения офиса.",
        "A client's order starting within {hours} h waits for the office's approval.",
    ),
    "settings_pv_approval_never": (
        "Заказы клиентов не ждут одобрения.",
        "Client orders never wait for approval.",
    ),
    "settings_pv_late_cancel": (
        "Отмена менее чем за {hours} ч до начала — поздняя: клиент платит каждому "
        "записанному выход {pay} {currency}; работнику — взыскание.",
        "A cancel inside {hours} h of the start is late: the client's pays each booked worker "
        "show-up pay {pay} {currency}; a worker's is a strike.",
    ),
    "settings_pv_cancel_at": (
        "Отмена за {hours} ч до начала: {verdict}.",
        "A cancel {hours} h before the start: {verdict}.",
    ),
    "settings_pv_late_word": ("поздняя", "late"),
    "settings_pv_in_time_word": ("вовремя", "in time"),
    "settings_pv_geofence": (
        "Новый объект: отметка о приходе в круге {m} м.",
        "A new site: check-in within {m} m.",
    ),
    "settings_pv_undo": (
        "Неявку или уход можно отменить {s} с, потом уходят СМС и штраф.",
        "A no-show or left-early can be undone for {s} s, then the text and fine go.",
    ),
    "settings_pv_undo_now": (
        "Неявка или уход действуют сразу, без отмены.",
        "A no-show or left-early takes effect at once, no undo.",
    ),
    # -- SMS texts --
    "texts_title": ("Тексты СМС", "SMS texts"),
    "texts_heading": ("Тексты СМС филиала {branch}", "SMS texts of branch {branch}"),
    "texts_kind": ("Сообщение", "Message"),
    "texts_language": ("Язык", "Language"),
    "texts_whose": ("Текст", "Wording"),
    "texts_own": ("свой", "the branch's"),
    "texts_default_word": ("стандартный", "default"),
    "texts_segments": ("Сегментов (самый длинный)", "Segments (longest)"),
    "texts_edit": ("Изменить", "Edit"),
    "texts_edit_title": ("«{kind}», {language}", "“{kind}”, {language}"),
    "texts_default": ("Стандартный текст", "Default text"),
    "texts_body": ("Текст сообщения", "Message text"),
    "texts_fields": ("Можно вставить: {fields}", "May use: {fields}"),
    "texts_no_fields": ("Без подстановок.", "No fields."),
    "texts_measure": (
        "С самыми длинными значениями: {units} знаков, {encoding}, сегментов: {segments}.",
        "With the longest values: {units} characters, {encoding}, segments: {segments}.",
    ),
    "texts_limit": ("Не больше {limit} сегментов.", "At most {limit} segments."),
    "texts_unmeasured": (
        "Посчитать нельзя, пока текст не исправлен.",
        "Cannot be counted until the text is mended.",
    ),
    "texts_save": ("Сохранить текст", "Save text"),
    "texts_reset": ("Вернуть стандартный", "Back to the default"),
    "texts_saved": ("Текст сохранён.", "Text saved."),
    "texts_was_reset": ("Возвращён стандартный текст.", "The default text is back."),
    "texts_back": ("Ко всем текстам", "To all texts"),
    "texts_lang_ru": ("русский", "Russian"),
    "texts_lang_en": ("английский", "English"),
    "texts_lang_uz": ("узбекский", "Uzbek"),
    "texts_lang_tg": ("таджикский", "Tajik"),
    "texts_lang_ky": ("киргизский", "Kyrgyz"),
}

# Each knob's name and meaning, in both languages; bounds and defaults are the knob table's.
KNOB_WORDS = {
    "overbook_factor": (
        ("Коэффициент перезаписи", "Overbooking factor"),
        ("Записываем больше, чем нужно: на случай неявок.", "Book more than needed, for no-shows."),
    ),
    "overbooking_mode": (
        ("Режим перезаписи", "Overbooking mode"),
        (
            "Фиксированный коэффициент или по надёжности записанных.",
            "A fixed factor, or sized by the booked workers' reliability.",
        ),
    ),
    "fill_goal": (
        ("Цель набора", "Fill goal"),
        (
            "В режиме по надёжности: желаемая вероятность, что придут все нужные.",
            "Adaptive mode: the wanted chance that enough turn up.",
        ),
    ),
    "search_radius_m": (
        ("Радиус первой волны, м", "First wave's radius, m"),
        ("Как далеко от объекта ищем сначала.", "How far from the site the search starts."),
    ),
    "max_radius_m": (
        ("Наибольший радиус, м", "Widest radius, m"),
        ("Дальше волны не расширяются.", "Waves widen no further."),
    ),
    "radius_growth": (
        ("Рост радиуса", "Radius growth"),
        ("Во сколько раз каждая волна шире.", "Each wave's radius is this times the last."),
    ),
    "wave_multiple": (
        ("Предложений на место", "Offers per place"),
        ("Сколько СМС в волне на одно свободное место.", "Texts in a wave per open place."),
    ),
    "wave_timeout_min": (
        ("Пауза между волнами, мин", "Wait between waves, min"),
        ("Ждём ответов перед следующей волной.", "Wait for answers before the next wave."),
    ),
    "rating_weight": (
        ("Вес рейтинга", "Weight of rating"),
        ("В порядке кандидатов.", "In the candidates' order."),
    ),
    "distance_weight": (
        ("Вес близости", "Weight of closeness"),
        ("В порядке кандидатов.", "In the candidates' order."),
    ),
    "confirm_ask_h": (
        ("Просить подтвердить, ч до начала", "Ask to confirm, h before"),
        ("Когда записанным приходит просьба подтвердить выход.", "When the booked are asked."),
    ),
    "confirm_by_h": (
        ("Снимать неподтвердивших, ч до начала", "Release the unconfirmed, h before"),
        ("Меньше, чем «просить подтвердить».", "Fewer hours than asking."),
    ),
    "remind_h": (
        ("Напоминание, ч до начала", "Reminder, h before"),
        ("0 — без напоминания.", "0: no reminder."),
    ),
    "sms_transliterate": (
        ("СМС латиницей", "Texts in Latin letters"),
        ("Дешевле: больше знаков в сегменте.", "Cheaper: more characters a segment."),
    ),
    "quality_sms": (
        ("Оценка бригады по СМС", "Crew rating by SMS"),
        (
            "После закрытия смены контакт объекта ставит оценку 1–5; 1 или 2 — разбор.",
            "After the close the site's contact rates the crew 1-5; a 1 or 2 opens a case.",
        ),
    ),
    "late_grace_min": (
        ("Опоздание без последствий, мин", "Grace for lateness, min"),
        ("Пришёл в эти минуты — вовремя.", "Arriving within this is on time."),
    ),
    "late_as_no_show_min": (
        ("Опоздание как неявка, мин", "Late as a no-show, min"),
        ("Позже этого — неявка.", "Later than this is a no-show."),
    ),
    "late_fine_per_min": (
        ("Штраф за минуту опоздания", "Fine per minute late"),
        ("За каждую минуту сверх льготных.", "Per minute beyond the grace."),
    ),
    "no_show_fine": (("Штраф за неявку", "No-show fine"), ("За неявку.", "For a no-show.")),
    "sent_home_points": (
        ("Баллы за отправку домой", "Sent-home points"),
        ("Пьян, без СИЗ, отказ от работы.", "Drunk, no safety gear, refused the task."),
    ),
    "sent_home_fine": (
        ("Штраф за отправку домой", "Sent-home fine"),
        ("Оплата — до отправки.", "Paid until sent home."),
    ),
    "no_show_suspend_days": (
        ("Отстранение за неявку, дн.", "Suspension after a no-show, days"),
        ("Не получает предложений.", "No offers meanwhile."),
    ),
    "strikes_to_suspend": (
        ("Взысканий до отстранения", "Strikes that suspend"),
        ("Столько за окно — отстранение.", "This many in the window suspend."),
    ),
    "strike_window_days": (
        ("Окно взысканий, дн.", "Strike window, days"),
        ("За сколько дней считаем.", "Strikes are counted over this."),
    ),
    "strike_suspend_days": (
        ("Отстранение за взыскания, дн.", "Suspension for strikes, days"),
        ("Когда набрано взысканий.", "On reaching the strikes."),
    ),
    "clean_shifts_per_forgiven_strike": (
        ("Смен для прощения взыскания", "Clean shifts to forgive one"),
        ("Без замечаний подряд.", "Without a remark."),
    ),
    "currency": (
        ("Валюта", "Currency"),
        ("Ставок, штрафов и выплат.", "Of rates, fines and pay."),
    ),
    "late_cancel_h": (
        ("Поздняя отмена, ч до начала", "Late cancel, h before"),
        ("Отмена позже — поздняя.", "A cancel inside this is late."),
    ),
    "show_up_pay": (
        ("Плата за выход", "Show-up pay"),
        (
            "Отпущенному с объекта и записанному на заказ, отменённый поздно.",
            "To a worker released on site or booked on an order cancelled late.",
        ),
    ),
    "client_order_approval_h": (
        ("Одобрять заказы клиентов, начало ближе чем, ч", "Approve client orders within, h"),
        (
            "Заказ клиента (с портала или по ключу), начинающийся раньше, ждёт одобрения офиса. "
            "0 или пусто — никогда.",
            "A client's order (portal or key) starting sooner waits for the office's approval. "
            "0 or blank: never.",
        ),
    ),
    "billing_rounding": (
        ("Округление часов в счёте", "Rounding of billed hours"),
        (
            "Часы каждой строки в счёте клиенту — до ближайшей единицы, половина вверх; "
            "работнику платим точные минуты.",
            "Each line's hours on the client's bill, to the nearest unit, halves up; workers "
            "are paid the exact minutes.",
        ),
    ),
    "break_paid": (
        ("Перерыв оплачивается", "Break is paid"),
        (
            "Да: записанный бригадиром перерыв входит в отработанные часы.",
            "Yes: the break the foreman records counts as worked time.",
        ),
    ),
    "invoice_after_days": (
        ("Строки в счёт через, дней", "Lines invoiced after, days"),
        (
            "Строка табеля, которую клиент не подтвердил и не оспорил, входит в счёт через "
            "столько дней после закрытия заказа.",
            "A timesheet line the client neither approved nor disputed is invoiced this many "
            "days after the order closed.",
        ),
    ),
    "dispute_deadline_h": (
        ("Срок решения спора, ч", "Dispute deadline, h"),
        (
            "Спор работника по СМС, не решённый офисом за это время, снимает взыскание.",
            "A worker's SMS dispute not decided in this time reverses the penalty.",
        ),
    ),
    "geofence_m": (
        ("Круг отметки нового объекта, м", "A new site's check-in circle, m"),
        ("Где работник может отметить приход.", "Where a worker may check in."),
    ),
    "undo_window_s": (
        ("Время на отмену отметки, с", "Undo window, s"),
        (
            "Неявка, уход или отправка домой ждут отмены.",
            "A no-show, left-early or sent-home mark waits for an undo.",
        ),
    ),
}

for _name, ((_label_ru, _label_en), (_help_ru, _help_en)) in KNOB_WORDS.items():
    WORDS[f"settings_knob_{_name}"] = (_label_ru, _label_en)
    WORDS[f"settings_help_{_name}"] = (_help_ru, _help_en)
