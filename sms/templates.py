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
        "penalty": "Заказ {code}: {what}. Штраф {fine} {currency}, баллов {points}. Оспорить: СПОР {code}",
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
        # issue 19 disputes
        "dispute_opened": "Спор по заказу {code} принят. Офис ответит до {deadline}; без ответа взыскание снимут.",
        "dispute_no_code": "Напишите СПОР и номер заказа из SMS о взыскании, например: СПОР 482 опоздал автобус",
        "dispute_no_penalty": "По заказу {code} у вас нет взыскания, оспаривать нечего.",
        "dispute_already_open": "Спор по заказу {code} уже открыт. Офис ответит до {deadline}.",
        "dispute_already_decided": "Спор по заказу {code} уже решён, взыскание оставлено.",
        "dispute_reversed": "Заказ {code}: спор решён в вашу пользу, взыскание ({what}) снято.",
        "dispute_upheld": "Заказ {code}: спор отклонён, взыскание остаётся. Причина: {reason}",
        "dispute_auto_reversed": "Заказ {code}: офис не ответил на спор в срок, взыскание ({what}) снято.",
        # issue 19 deletion
        "forget_confirm": "Удалить ваши данные без возврата? Ответьте УДАЛИТЬ {pin} в течение 24 ч. После удаления писать не будем.",
        "forget_wrong_code": "Код не подошёл или истёк. Чтобы удалить данные, напишите УДАЛИТЬ.",
        "forget_waits": "Удалить данные пока нельзя: {blocker}. Напишите УДАЛИТЬ позже.",
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
        "penalty": "Order {code}: {what}. Fine {fine} {currency}, {points} points. To dispute, reply DISPUTE {code}",
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
        # issue 19 disputes
        "dispute_opened": "Your dispute of order {code} is received. The office answers by {deadline}; if not, the penalty is withdrawn.",
        "dispute_no_code": "Reply DISPUTE and the order's code from the penalty text, e.g. DISPUTE 482 the bus was late",
        "dispute_no_penalty": "You have no penalty on order {code} to dispute.",
        "dispute_already_open": "Your dispute of order {code} is already open. The office answers by {deadline}.",
        "dispute_already_decided": "Your dispute of order {code} was already decided: the penalty stands.",
        "dispute_reversed": "Order {code}: your dispute is accepted, the penalty ({what}) is withdrawn.",
        "dispute_upheld": "Order {code}: your dispute is refused, the penalty stands. Why: {reason}",
        "dispute_auto_reversed": "Order {code}: the office did not answer your dispute in time; the penalty ({what}) is withdrawn.",
        # issue 19 deletion
        "forget_confirm": "Delete your data for good? Reply DELETE {pin} within 24 h to confirm. We will not text you after that.",
        "forget_wrong_code": "The code is wrong or expired. To delete your data, text DELETE again.",
        "forget_waits": "Your data cannot be deleted yet: {blocker}. Text DELETE again later.",
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
    # issue 19: an office's reason for upholding a dispute (cut to this), a deletion's code and
    # why it waits (dispatch/registry/forget.py BLOCKERS' longest)
    "reason": "я" * 60,
    "pin": "9999",
    "blocker": "я" * 40,
}
REASON_CHARS = 60  # an upheld dispute's reason in the worker's text, cut
BLOCKER_CHARS = 40
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
