"""Message texts per language (the worker's), kept short: every segment is paid for."""

from string import Formatter

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
        "booked": "Вы записаны: заказ {code}, {date} {start}, {address}. Отмена: ОТМЕНА {code}",
        "standby": "Заказ {code} набран, вы в резерве. Сообщим, если место освободится.",
        "order_full": "Заказ {code} уже набран. Спасибо, ждите новых предложений.",
        "order_cancelled": "Заказ {code} на {date} {start} отменён. Приходить не нужно.",
    },
    "en": {
        "offer": "Work: {skill}, {date} {start}-{end}, {address}. {pay}/h. "
        "Reply YES {code} or NO {code}",
        "booked": "You are booked: order {code}, {date} {start}, {address}. "
        "To cancel: CANCEL {code}",
        "standby": "Order {code} is full; you are on standby. We will text if a place frees up.",
        "order_full": "Order {code} is already full. Thank you, more offers will come.",
        "order_cancelled": "Order {code} on {date} {start} is cancelled. Please do not come.",
    },
}
KINDS = tuple(TEMPLATES["ru"])


def fields_of(kind: str, language: str = "ru") -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(TEMPLATES[language][kind]) if name}


def skill_name(skill: str, language: str) -> str:
    return SKILL_NAMES.get(language, {}).get(skill, skill.replace("_", " "))


def render(kind: str, language: str, **values: object) -> str:
    table = TEMPLATES.get(language) or TEMPLATES["ru"]
    return table[kind].format(**values)
