"""Words more than one page shows: an SMS's kind and status (the message log, the phone, an
order's timeline), a worker's language, and why the rules made a ledger entry (the English
of a reason is the domain's own, rating/reasons.py: one definition)."""

from rating.reasons import REASONS

WORDS = {
    # -- an SMS's kind: every kind of sms/templates.py, and the workers' replies --
    "messages_kind_offer": ("предложение работы", "job offer"),
    "messages_kind_client_filled": ("клиенту: заказ набран", "to the client: order filled"),
    "messages_kind_client_short": ("клиенту: не хватает людей", "to the client: order short"),
    "messages_kind_client_started": ("клиенту: смена началась", "to the client: shift started"),
    "messages_kind_client_webhook_off": ("клиенту: вебхук отключён", "to the client: webhook off"),
    "messages_kind_staff_call_centre_order": (
        "филиалу: заказ от колл-центра",
        "to the branch: a call centre order",
    ),
    "messages_kind_offer_now": ("срочное предложение работы", "urgent job offer"),
    "messages_kind_booked": ("запись на заказ", "booked"),
    "messages_kind_booked_link_only": ("запись на заказ (только ссылка)", "booked (link only)"),
    "messages_kind_declined": ("отказ принят", "refusal acknowledged"),
    "messages_kind_unclear_call": ("позвонит диспетчер", "the dispatcher will call"),
    "messages_kind_standby": ("резерв", "standby"),
    "messages_kind_order_cancelled": ("заказ отменён", "order cancelled"),
    "messages_kind_booking_cancelled": ("запись отменена работником", "booking cancelled"),
    "messages_kind_confirm_request": ("просьба подтвердить выход", "confirmation request"),
    "messages_kind_confirmed": ("выход подтверждён", "confirmed"),
    "messages_kind_booking_released": ("запись снята без подтверждения", "booking released"),
    "messages_kind_booking_withdrawn": ("запись отменена офисом", "cancelled by the office"),
    "messages_kind_order_moved": ("заказ перенесён, просьба подтвердить", "order moved, confirm"),
    "messages_kind_order_moved_notice": ("заказ перенесён", "order moved"),
    "messages_kind_standby_released": ("резерв снят", "off standby"),
    "messages_kind_reminder": ("напоминание", "reminder"),
    "messages_kind_booked_elsewhere": ("уже занят на другом заказе", "booked elsewhere"),
    "messages_kind_order_closed": ("заказ уже закрыт", "order closed"),
    "messages_kind_which_order": ("уточнение заказа", "which order?"),
    "messages_kind_no_open_offer": ("нет открытых предложений", "no open offer"),
    "messages_kind_not_understood": ("ответ не понят", "not understood"),
    "messages_kind_opted_out": ("отписка от рассылки", "opted out"),
    "messages_kind_opted_in": ("возврат к рассылке", "opted back in"),
    "messages_kind_language_set": ("язык сообщений", "texts language"),
    "messages_kind_help": ("справка", "help"),
    "messages_kind_penalty": ("взыскание", "penalty"),
    "messages_kind_penalty_reversed": ("взыскание снято", "penalty withdrawn"),
    "messages_kind_suspended": ("отстранение от заказов", "suspension"),
    "messages_kind_suspension_lifted": ("отстранение снято", "suspension lifted"),
    "messages_kind_compensation": ("оплата за позднюю отмену", "late-cancellation pay"),
    "messages_kind_show_up_pay": ("оплата за выход", "show-up pay"),
    "messages_kind_quality_ask": ("просьба оценить бригаду", "crew rating request"),
    "messages_kind_quality_reask": ("повторная просьба об оценке", "rating asked again"),
    "messages_kind_quality": ("оценка клиента", "client's rating"),
    "messages_kind_reply": ("ответ работника", "worker's reply"),
    # issue 19 self-service: the answers to a worker's questions by SMS
    "messages_kind_shifts": ("ответ: смены", "answer: shifts"),
    "messages_kind_shifts_more": ("ответ: смены", "answer: shifts"),
    "messages_kind_shifts_none": ("ответ: смен нет", "answer: no shifts"),
    "messages_kind_pay": ("ответ: к выплате", "answer: pay owed"),
    "messages_kind_pay_fined": ("ответ: к выплате, штрафы", "answer: pay owed, fines"),
    "messages_kind_pay_none": ("ответ: к выплате ничего", "answer: nothing owed"),
    "messages_kind_pay_paid": ("ответ: к выплате, выплачено", "answer: pay owed, paid"),
    "messages_kind_pay_fined_paid": (
        "ответ: к выплате, штрафы, выплачено",
        "answer: pay owed, fines, paid",
    ),
    "messages_kind_pay_none_paid": (
        "ответ: к выплате ничего, выплачено",
        "answer: nothing owed, paid",
    ),
    "messages_kind_rating": ("ответ: рейтинг", "answer: rating"),
    "messages_kind_rating_suspended": ("ответ: рейтинг, отстранение", "answer: rating, suspended"),
    "messages_kind_free_recorded": ("записаны свободные дни", "free days noted"),
    "messages_kind_busy_recorded": ("записаны занятые дни", "busy days noted"),
    "messages_kind_days_unreadable": ("дни не поняты", "days not understood"),
    "messages_kind_days_past": ("день уже прошёл", "day has passed"),
    "messages_kind_days_too_far": ("день слишком далеко", "day too far ahead"),
    "messages_kind_pause_set": ("пауза записана", "pause set"),
    "messages_kind_pause_ended": ("пауза снята", "pause ended"),
    "messages_kind_pause_unreadable": ("пауза не понята", "pause not understood"),
    # issue 19: a worker's dispute of a penalty and deletion on request
    "messages_kind_dispute_opened": ("спор принят", "dispute received"),
    "messages_kind_dispute_no_code": ("спор: нет номера заказа", "dispute: no order code"),
    "messages_kind_dispute_no_penalty": ("спор: нет взыскания", "dispute: no penalty"),
    "messages_kind_dispute_too_old": ("спор: срок прошёл", "dispute: too late"),
    "messages_kind_dispute_already_open": ("спор уже открыт", "dispute already open"),
    "messages_kind_dispute_already_decided": ("спор уже решён", "dispute already decided"),
    "messages_kind_dispute_reversed": ("спор: взыскание снято", "dispute: penalty reversed"),
    "messages_kind_dispute_upheld": ("спор: взыскание оставлено", "dispute: penalty upheld"),
    "messages_kind_dispute_auto_reversed": (
        "спор: снято по сроку",
        "dispute: reversed at the deadline",
    ),
    "messages_kind_forget_confirm": ("удаление: просьба подтвердить", "deletion: confirm"),
    "messages_kind_forget_wrong_code": ("удаление: код не подошёл", "deletion: wrong code"),
    "messages_kind_forget_waits": ("удаление отложено", "deletion waits"),
    # -- an SMS's status --
    "messages_st_queued": ("в очереди", "queued"),
    "messages_st_sending": ("отправляется", "sending"),
    "messages_st_sent": ("отправлено", "sent"),
    "messages_st_delivered": ("доставлено", "delivered"),
    "messages_st_undelivered": ("не доставлено", "undelivered"),
    "messages_st_failed": ("ошибка", "failed"),
    "messages_st_cancelled": ("отозвано", "withdrawn"),
    "messages_st_received": ("получено", "received"),
    "messages_st_processed": ("обработано", "processed"),
    "messages_st_ignored": (
        "не обработано: слишком много СМС с номера",
        "ignored: too many texts from this number",
    ),
    "messages_st_withheld": (
        "не отправлено: лимит автоответов в час",
        "withheld: hourly automatic-reply limit",
    ),
    # -- a worker's language (their texts come in it) --
    "lang_ru": ("русский", "Russian"),
    "lang_en": ("английский", "English"),
    "lang_uz": ("узбекский", "Uzbek"),
    "lang_tg": ("таджикский", "Tajik"),
    "lang_ky": ("киргизский", "Kyrgyz"),
}

# Why the rules made a ledger entry, in Russian; the English is the domain's.
REASONS_RU = {
    "absent": "неявка на смену",
    "late": "опоздание на {minutes} мин",
    "late_as_no_show": "опоздание на {minutes} мин, больше {limit} мин: считается неявкой",
    "left_early": "уход на {minutes} мин раньше конца смены",
    "released_on_site": "работник не понадобился на объекте",
    "client_cancelled_late": "клиент отменил заказ слишком поздно",
    "late_cancellation": "отмена записи за {hours} ч до начала (можно не позже чем за {window} ч)",
    "complaint": "жалоба ({by}): {comment}",
    "attendance_corrected": "отметка на объекте исправлена",
    "sent_home": "отправлен(а) домой: {why}",
}
# Why a worker was sent home (dispatch/enums.py SENT_HOME_REASONS), in a ledger reason and on
# the foreman's card.
WORDS.update(
    {
        "sent_home_why_intoxicated": ("в состоянии опьянения", "intoxicated"),
        "sent_home_why_no_safety_gear": ("без спецодежды и СИЗ", "no safety gear"),
        "sent_home_why_refused_task": ("отказ от работы", "refused the task"),
        "sent_home_why_other": ("другая причина", "other reason"),
    }
)
WORDS.update(
    {f"ledger_reason_{code}": (REASONS_RU[code], english) for code, english in REASONS.items()}
)
