"""Message texts per language, kept short: every segment is paid for. The worker's, and the
client contact's (client_*, quality_*: in the language dispatch/hooks/notices.py's language_of
picks). A branch may word each one its own way."""

from string import Formatter

from core.errors import InvalidInput
from sms.segments import Encoded, measure
from sms.transliteration import to_latin


class TemplateInvalid(InvalidInput):
    """A branch's wording that cannot be used: unreadable, empty, unknown fields, too long."""

    code = "template_invalid"
    reasons = ("unreadable", "unknown_fields", "empty", "needs_code", "too_long")

    def __init__(self, field: str, msg: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown template refusal {reason!r}")
        super().__init__(field, msg)
        self.reason = reason


SKILL_NAMES = {
    "ru": {
        "loader": "грузчик",
        "mover": "переезд",
        "handyman": "разнорабочий",
        "cashier": "кассир",
        "cleaner": "уборка",
        "snow_clearing": "уборка снега",
        "warehouse_picker": "комплектовщик",
        "packer": "упаковщик",
        "rigger": "такелажник",
        "painter": "маляр",
        "builder": "стройка",
        "driver": "водитель",
        "promoter": "промоутер",
        "kitchen_helper": "кухня",
    },
    "en": {},  # English uses the catalogue name with spaces
}

TEMPLATES: dict[str, dict[str, str]] = {
    "ru": {
        "offer": "Работа: {skill}, {date} {start}-{end}, {address}. {pay} р/ч. "
        "Ответ: ДА {code} или НЕТ {code}",
        "offer_now": "Срочно, прямо сейчас: {skill}, {address}, до {end}. {pay} р/ч. "
        "Ответ: ДА {code} или НЕТ {code}",
        "booked": "Вы записаны: {date} {start}, {address}. Отмена: ОТМЕНА {code}. Отметка: {link}",
        "booked_link_only": "Вы записаны: заказ {code}, {date} {start}. Отмена: ОТМЕНА {code}. Адрес и отметка: {link}",
        "standby": "Заказ {code} набран, вы в резерве. Сообщим, если место освободится.",
        "order_cancelled": "Заказ {code} на {date} {start} отменён. Приходить не нужно.",
        "booking_cancelled": "Вы отменили запись на заказ {code}. Ждите новых предложений.",
        "confirm_request": "Подтвердите выход на заказ {code}, {date} {start}, {address}: ответьте ДА {code} до {deadline}.",
        "confirmed": "Спасибо, выход подтверждён: заказ {code}, {date} {start}.",
        "booking_released": "Вы не подтвердили выход, запись на заказ {code} снята.",
        "booking_withdrawn": "Офис отменил вашу запись на заказ {code}, {date} {start}. Приходить не нужно.",
        "order_moved": "Заказ {code} перенесён: {date} {start}-{end}, {address}. Подтвердите: ДА {code} до {deadline}.",
        "order_moved_notice": "Заказ {code} перенесён: {date} {start}-{end}, {address}.",
        "standby_released": "Заказ {code}: нужно меньше людей, резерв снят. Ждите новых предложений.",
        "reminder": "Напоминаем: заказ {code} сегодня в {start}, {address}.",
        "booked_elsewhere": "Вы уже записаны на другой заказ в это время, заказ {code} не взят.",
        "order_closed": "Заказ {code} уже закрыт. Ждите новых предложений.",
        "declined": "Понятно: вы отказались от заказа {code}. Ждите новых предложений.",
        "which_order": "У вас несколько предложений: {codes}. Ответьте ДА и номер, например ДА {example}",
        "no_open_offer": "Сейчас для вас нет открытых предложений. Мы напишем, когда будут.",
        "not_understood": "Не понял ответ. Напишите ДА или НЕТ с номером заказа, СТОП - отписаться, ПОМОЩЬ - справка.",
        "unclear_call": "Не удалось разобрать ваш ответ о заказе {code}. Диспетчер вам позвонит.",
        "opted_out": "Вы отписались от рассылки. Чтобы вернуться, напишите СТАРТ.",
        "opted_in": "Вы снова получаете предложения работы. Отписаться: СТОП.",
        "help": "Ответы: ДА 123 - беру заказ 123, НЕТ 123 - отказ, ОТМЕНА 123 - отмена записи, СТОП - отписаться.",
        "penalty": "Заказ {code}: {what}. Штраф {fine} {currency}, баллов {points}. Оспорить: позвоните в офис.",
        "penalty_reversed": "Заказ {code}: взыскание ({what}) снято.",
        "suspended": "Вы не получаете заказы до {until}: {why}. Оспорить: позвоните в офис.",
        "suspension_lifted": "Ограничение снято: вы снова получаете предложения работы.",
        "compensation": "Заказ {code} отменён поздно, вам начислено {payout} {currency}.",
        "show_up_pay": "Заказ {code}: вы не понадобились на объекте, вам начислено {payout} {currency}.",
        "quality_ask": "Оцените бригаду сегодня ({skill}, {address}) от 1 до 5: ответьте цифрой, можно с комментарием.",
        "quality_reask": "Не поняли оценку. Ответьте цифрой от 1 до 5, например: 4 всё хорошо",
        "client_filled": "Заказ {code} ({site}, {date} {start}) набран: {booked} из {headcount}.",
        "client_short": "Заказ {code} ({site}, {date} {start}): набрано {booked} из "
        "{headcount}. Продолжаем искать людей, сообщим о переменах.",
        "client_started": "Заказ {code} ({site}): смена началась, на месте {arrived} из "
        "{headcount}.",
        "client_webhook_off": "Brigada: вебхук {id} отключён: доставка не удавалась сутки. "
        "Включите его снова на портале.",
        # issue 19 self-service (dispatch/replies/selfservice.py): lists cut to MAX_LIST_SEGMENTS
        "shifts": "Ваши смены на 7 дней: {list}",
        "shifts_more": "Ваши смены на 7 дней: {list} и ещё {more}",
        "shifts_none": "На ближайшие 7 дней у вас нет записей. Предложения придут по СМС.",
        "pay": "К выплате {owed} {currency} за смены с {since} (смен: {shifts}).",
        "pay_fined": "К выплате {owed} {currency} за смены с {since} (смен: {shifts}), штрафы вычтены: {fines}",
        "pay_none": "Неоплаченных закрытых смен нет.",
        "rating": "Рейтинг {rating} из 5, выходы {reliability}%, нарушений {strikes}. Последнее: {history}",
        "rating_suspended": "Рейтинг {rating} из 5, выходы {reliability}%, нарушений {strikes}. Заказов нет до {until}. Последнее: {history}",
        "free_recorded": "Записано: свободен {days}. Предложения на эти дни придут первыми.",
        "busy_recorded": "Записано: занят {days}. На эти дни предложений не будет.",
        "days_unreadable": "Не понял дни. Пример: СВОБОДЕН завтра, СВОБОДЕН {day}, СВОБОДЕН пн ср пт, ЗАНЯТ до {day}",
        "days_past": "Этот день уже прошёл. Пример: СВОБОДЕН {day} или ЗАНЯТ до {day}",
        "days_too_far": "Отметить можно дни не дальше {last}. Пример: СВОБОДЕН {day}",
        "pause_set": "Пауза: предложений не будет до {until}. Снять раньше: ПАУЗА 0",
        "pause_ended": "Пауза снята: вы снова получаете предложения работы.",
        "pause_unreadable": "Напишите ПАУЗА и число дней от 1 до {max}, например ПАУЗА 7. Снять паузу: ПАУЗА 0",
    },
    "en": {
        "offer": "Work: {skill}, {date} {start}-{end}, {address}. {pay}/h. "
        "Reply YES {code} or NO {code}",
        "offer_now": "Urgent, right now: {skill}, {address}, until {end}. {pay}/h. "
        "Reply YES {code} or NO {code}",
        "booked": "Booked: {date} {start}, {address}. To cancel: CANCEL {code}. Check-in: {link}",
        "booked_link_only": "You are booked: order {code}, {date} {start}. To cancel: CANCEL {code}. "
        "Address and check-in: {link}",
        "standby": "Order {code} is full; you are on standby. We will text if a place frees up.",
        "order_cancelled": "Order {code} on {date} {start} is cancelled. Please do not come.",
        "booking_cancelled": "You cancelled your booking on order {code}. More offers will come.",
        "confirm_request": "Please confirm: order {code}, {date} {start}, {address}. Reply YES {code} by {deadline} or the booking is released.",
        "confirmed": "Thank you, confirmed: order {code}, {date} {start}.",
        "booking_released": "You did not confirm, so your booking on order {code} is released.",
        "booking_withdrawn": "The office cancelled your booking on order {code}, {date} {start}. Please do not come.",
        "order_moved": "Order {code} moved: {date} {start}-{end}, {address}. Please confirm: reply YES {code} by {deadline}.",
        "order_moved_notice": "Order {code} moved: {date} {start}-{end}, {address}.",
        "standby_released": "Order {code}: fewer workers needed, you are off standby. More offers will come.",
        "reminder": "Reminder: order {code} today at {start}, {address}.",
        "booked_elsewhere": "You are already booked at that time; order {code} was not taken.",
        "order_closed": "Order {code} is closed. More offers will come.",
        "declined": "OK: you declined order {code}. More offers will come.",
        "which_order": "You have several offers: {codes}. Reply YES and the number, e.g. YES {example}",
        "no_open_offer": "You have no open offers right now. We will text you when there are.",
        "not_understood": "Sorry, not understood. Reply YES or NO with the order number, STOP to opt out, HELP for help.",
        "unclear_call": "We could not read your reply about order {code}. The dispatcher will call you.",
        "opted_out": "You are unsubscribed. Text START to receive offers again.",
        "opted_in": "You will receive job offers again. Text STOP to opt out.",
        "help": "Replies: YES 123 takes order 123, NO 123 declines, CANCEL 123 cancels a booking, STOP opts out.",
        "penalty": "Order {code}: {what}. Fine {fine} {currency}, {points} points. To dispute, call your office.",
        "penalty_reversed": "Order {code}: the penalty ({what}) is withdrawn.",
        "suspended": "No offers until {until}: {why}. To dispute, call your office.",
        "suspension_lifted": "Your suspension is lifted: you will receive job offers again.",
        "compensation": "Order {code} was cancelled late: you are paid {payout} {currency}.",
        "show_up_pay": "Order {code}: you were not needed on site; you are paid {payout} {currency}.",
        "quality_ask": "Rate today's crew ({skill}, {address}) 1-5: reply with a number; a comment after it is welcome.",
        "quality_reask": "Sorry, we could not read a rating. Reply with a number 1 to 5, e.g. 4 all good",
        "client_filled": "Order {code} ({site}, {date} {start}) is filled: {booked} of {headcount}.",
        "client_short": "Order {code} ({site}, {date} {start}): {booked} of {headcount} "
        "booked. We are still calling workers and will text you of any change.",
        "client_started": "Order {code} ({site}): the shift has started, {arrived} of "
        "{headcount} on site.",
        "client_webhook_off": "Brigada: webhook {id} is switched off: deliveries failed for a "
        "day. Switch it back on in the portal.",
        # issue 19 self-service (dispatch/replies/selfservice.py): lists cut to MAX_LIST_SEGMENTS
        "shifts": "Your shifts, next 7 days: {list}",
        "shifts_more": "Your shifts, next 7 days: {list} and {more} more",
        "shifts_none": "You have no bookings in the next 7 days. Offers will come by SMS.",
        "pay": "Owed to you: {owed} {currency} for shifts since {since} ({shifts} shifts).",
        "pay_fined": "Owed to you: {owed} {currency} for shifts since {since} ({shifts} shifts), after fines: {fines}",
        "pay_none": "No closed shifts are waiting to be paid.",
        "rating": "Rating {rating} of 5, turns up {reliability}%, strikes {strikes}. Latest: {history}",
        "rating_suspended": "Rating {rating} of 5, turns up {reliability}%, strikes {strikes}. No offers until {until}. Latest: {history}",
        "free_recorded": "Noted: free {days}. Offers for those days come to you first.",
        "busy_recorded": "Noted: busy {days}. No offers for those days.",
        "days_unreadable": "Sorry, which days? E.g. FREE tomorrow, FREE {day}, FREE mon wed fri, BUSY until {day}",
        "days_past": "That day has passed. E.g. FREE {day} or BUSY until {day}",
        "days_too_far": "Days can be given up to {last}. E.g. FREE {day}",
        "pause_set": "Paused: no offers until {until}. To end it sooner: PAUSE 0",
        "pause_ended": "Pause ended: you will receive job offers again.",
        "pause_unreadable": "Text PAUSE and a number of days from 1 to {max}, e.g. PAUSE 7. To end a pause: PAUSE 0",
    },
}
KINDS = tuple(TEMPLATES["ru"])

# What a penalty or a suspension was for, in the worker's language.
PENALTY_WORDS = {
    "ru": {
        "late": "опоздание",
        "no_show": "неявка",
        "late_cancellation": "поздняя отмена",
        "complaint": "жалоба",
        "left_early": "ранний уход",
        "strikes": "много нарушений",
    },
    "en": {
        "late": "late arrival",
        "no_show": "no-show",
        "late_cancellation": "late cancellation",
        "complaint": "complaint",
        "left_early": "left early",
        "strikes": "too many penalties",
    },
}


# issue 19 self-service: the ledger's other entries in a RATING answer's history.
LEDGER_WORDS = {
    "ru": {"compensation": "выплата", "reversal": "снято"},
    "en": {"compensation": "payment", "reversal": "withdrawn"},
}
# A list in a text (shifts, fines, history) takes entries while the text fits this many segments.
MAX_LIST_SEGMENTS = 3


def ledger_words(kind: str, language: str) -> str:
    """A ledger entry's kind in words: a penalty's, a payment, a withdrawal."""
    words = {**PENALTY_WORDS["ru"], **LEDGER_WORDS["ru"]}
    words.update({**PENALTY_WORDS.get(language, {}), **LEDGER_WORDS.get(language, {})})
    return words[kind]


def penalty_words(kind: str, language: str) -> str:
    return (PENALTY_WORDS.get(language) or PENALTY_WORDS["ru"])[kind]


def fields_of(kind: str, language: str = "ru") -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(TEMPLATES[language][kind]) if name}


def skill_name(skill: str, language: str) -> str:
    return SKILL_NAMES.get(language, {}).get(skill, skill.replace("_", " "))


SITE_CHARS = 30  # a site's name in a client's text, cut: the text stays within two segments
# The longest values each field takes, to check a branch's own text before it is saved.
LONGEST_VALUES = {
    "code": "999999",
    "skill": max(SKILL_NAMES["ru"].values(), key=len),
    "date": "31.12",
    "start": "23:30",
    "end": "23:59",
    "address": "x" * 40,
    "pay": "99999.99",
    "codes": "101, 202, 303",
    "example": "101",
    "deadline": "31.12 20:30",
    "what": max(PENALTY_WORDS["ru"].values(), key=len),
    "why": max(PENALTY_WORDS["ru"].values(), key=len),
    "fine": "99999.99",
    "payout": "99999.99",
    "currency": "RUB",
    "points": "3",
    "until": "31.12 23:59",
    "link": "https://brigada.example.ru/c/2147483647-AbCdEfGhIj_-",
    "site": "x" * SITE_CHARS,
    "booked": "999",
    "headcount": "999",
    "arrived": "999",
    "id": "2147483647",  # a webhook subscription's
    # issue 19 self-service: one entry of each list (a text is cut to MAX_LIST_SEGMENTS when sent)
    "list": "999999 31.12 23:30 " + "x" * 24,
    "more": "99",
    "owed": "-99999.99",
    "since": "31.12",
    "shifts": "99",
    "fines": "999999 " + max(PENALTY_WORDS["ru"].values(), key=len) + " 99999.99",
    "rating": "4.99",
    "reliability": "100",
    "strikes": "9",
    "history": "31.12 " + max(PENALTY_WORDS["ru"].values(), key=len) + " 999999",
    "days": "31.12, 31.12, 31.12",
    "day": "31.12",
    "last": "31.12",
    "max": "60",
}
MAX_OFFER_SEGMENTS = 2
# The kinds a branch's wording may not make longer than this (segments, with the longest values).
SEGMENT_LIMITS = {"offer": MAX_OFFER_SEGMENTS, "offer_now": MAX_OFFER_SEGMENTS}
# The booking text carries the site's address when it fits in this many segments; else it is
# sent as "booked_link_only" (the check-in link's page shows the address).
MAX_BOOKED_SEGMENTS = 2


def render(
    kind: str,
    language: str,
    override: str | None = None,
    transliterate: bool = False,
    **values: object,
) -> str:
    """The text of this kind: the branch's own wording if it has one, else ours."""
    table = TEMPLATES.get(language) or TEMPLATES["ru"]
    text = (override or table[kind]).format(**values)
    return to_latin(text) if transliterate else text


# Texts a worker answers (YES/NO): with several offers open, the reply names the order's code.
ANSWERED_WITH_CODE = frozenset({"offer", "offer_now", "confirm_request", "order_moved"})


def check_override(kind: str, language: str, body: str, transliterate: bool = False) -> None:
    """A branch's wording: known kind and language, only this kind's fields, and an offer
    at most two segments long with the longest values it can take."""
    if language not in TEMPLATES:
        raise InvalidInput("language", f"language must be one of {', '.join(TEMPLATES)}")
    if kind not in TEMPLATES[language]:
        raise InvalidInput("kind", f"kind must be one of {', '.join(KINDS)}")
    try:
        used = {name for _, name, _, _ in Formatter().parse(body) if name is not None}
    except ValueError as exc:
        raise TemplateInvalid("body", f"not a valid template: {exc}", "unreadable") from None
    allowed = fields_of(kind, language)
    if not used <= allowed:
        unknown = ", ".join(sorted(used - allowed))
        raise TemplateInvalid(
            "body",
            f"unknown fields {unknown}; this text may use {', '.join(sorted(allowed)) or 'none'}",
            "unknown_fields",
        )
    if not body.strip():
        raise TemplateInvalid("body", "the text is empty", "empty")
    if kind in ANSWERED_WITH_CODE and "code" not in used:
        raise TemplateInvalid(
            "body",
            "this text must carry {code}: a worker with several offers answers with it",
            "needs_code",
        )
    parts = measure_longest(kind, language, body, transliterate).segments
    limit = SEGMENT_LIMITS.get(kind)
    if limit is not None and parts > limit:
        raise TemplateInvalid(
            "body",
            f"an offer can take {parts} SMS segments with long values; at most {limit} are allowed",
            "too_long",
        )


def measure_longest(kind: str, language: str, body: str, transliterate: bool = False) -> Encoded:
    """The encoding and segments of a wording with the longest values its fields can take: what
    it costs at most. KeyError, ValueError or IndexError for a body that does not render."""
    longest = render(
        kind,
        language,
        body,
        transliterate,
        **{name: LONGEST_VALUES.get(name, "x" * 10) for name in fields_of(kind, language)},
    )
    return measure(longest)
