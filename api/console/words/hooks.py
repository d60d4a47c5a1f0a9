"""Words of the clients' webhook pages, the portal's (api/console/portal/hooks.py) and the
office's (api/console/registry/client_hooks.py): key -> (Russian, English)."""

from dispatch.client_models import CLIENT_EVENTS

EVENT_NAMES = {
    "order.filled": ("заказ набран", "order filled"),
    "order.short": ("заказ не набран к сроку", "order short"),
    "order.cancelled": ("заказ отменён", "order cancelled"),
    "shift.started": ("смена началась", "shift started"),
    "shift.closed": ("смена закрыта", "shift closed"),
    "timesheet.ready": ("табель готов", "timesheet ready"),
}
assert set(EVENT_NAMES) == set(CLIENT_EVENTS), "a word for every event"

WORDS = {
    **{f"hooks_ev_{code.replace('.', '_')}": words for code, words in EVENT_NAMES.items()},
    "hooks_title": ("Вебхуки", "Webhooks"),
    "hooks_intro": (
        "Ваша система получает подписанные POST-запросы о событиях ваших заказов.",
        "Your system gets signed POST requests about your orders' events.",
    ),
    "hooks_none": ("Подписок пока нет.", "No subscriptions yet."),
    "hooks_url": ("Адрес", "URL"),
    "hooks_events": ("События", "Events"),
    "hooks_state": ("Состояние", "State"),
    "hooks_last": ("Последняя доставка", "Last delivery"),
    "hooks_on": ("включён", "on"),
    "hooks_failing": ("доставки не удаются с {since}", "deliveries failing since {since}"),
    "hooks_off_failing": (
        "отключён {at}: доставки не удавались сутки (с {since})",
        "switched off {at}: deliveries failed for a day (since {since})",
    ),
    "hooks_off_by_hand": ("отключён вручную {at}", "switched off by hand {at}"),
    "hooks_last_none": ("ещё не было", "none yet"),
    "hooks_last_ok": ("{at}: принята ({status})", "{at}: accepted ({status})"),
    "hooks_last_failed": ("{at}: не принята ({answer})", "{at}: not accepted ({answer})"),
    "hooks_no_answer": ("нет ответа", "no answer"),
    "hooks_enable": ("Включить снова", "Switch on again"),
    "hooks_disable": ("Отключить", "Switch off"),
    "hooks_delete": ("Удалить", "Delete"),
    "hooks_log": ("Журнал доставок", "Delivery log"),
    "hooks_enable_note": (
        "Снова включённый вебхук получает новые события. Брошенные доставки и события, "
        "случившиеся пока он был отключён, не отправляются.",
        "Switched on again, a webhook gets new events. Deliveries given up and events recorded "
        "while it was off are not sent.",
    ),
    "hooks_new": ("Новая подписка", "New subscription"),
    "hooks_url_hint": ("https://… вашей системы", "https://… of your system"),
    "hooks_create": ("Создать", "Create"),
    "hooks_secret_title": ("Секрет подписки {id}", "The secret of subscription {id}"),
    "hooks_secret_note": (
        "Сохраните его сейчас: он показан один раз и больше не будет.",
        "Keep it now: it is shown this once and never again.",
    ),
    "hooks_verify": (
        "Проверка подписи: в заголовке Brigada-Signature «t=…,v1=…» v1 — это HMAC-SHA256 "
        "строки «t.тело запроса как пришло» с этим секретом; сравнивайте за постоянное время и "
        "отвергайте t старше 5 минут. Событие может прийти дважды, с тем же Brigada-Event-Id.",
        'Verifying: in the Brigada-Signature header "t=…,v1=…", v1 is the HMAC-SHA256 of '
        '"t.the raw body as received" with this secret; compare in constant time and refuse a '
        "t older than 5 minutes. An event may come twice, with the same Brigada-Event-Id.",
    ),
    "hooks_back": ("Все вебхуки", "All webhooks"),
    "hooks_log_event": ("Событие", "Event"),
    "hooks_log_order": ("Заказ", "Order"),
    "hooks_log_attempts": ("Попыток", "Attempts"),
    "hooks_log_answer": ("Последний ответ", "Last answer"),
    "hooks_log_next": ("Следующая попытка", "Next attempt"),
    "hooks_log_delivered": ("Доставлено", "Delivered"),
    "hooks_log_given_up": ("брошена", "given up"),
    "hooks_log_none": ("Доставок пока не было.", "No deliveries yet."),
    "hooks_log_capped": ("Показаны последние {n}.", "The latest {n} are shown."),
    # the pages' path parameters, as a refusal names them
    "field_hook_id": ("Номер вебхука", "Webhook number"),
    "field_how": ("Действие с вебхуком", "What to do with the webhook"),
    "hooks_client_section": ("Вебхуки клиента", "The client's webhooks"),
    "hooks_client_open": ("Вебхуки и журналы доставок", "Webhooks and delivery logs"),
}
