"""The console's words in Russian and English; the language comes from a cookie (ru default)."""

from collections.abc import Callable

LANGUAGES = ("ru", "en")

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "brand": "Бригада",
        "skip": "К содержанию",
        "nav": "Разделы",
        "board": "Заказы",
        "new_order": "Новый заказ",
        "workers": "Работники",
        "messages": "Сообщения",
        "foreman": "Смена",
        "phone": "Телефон",
        "sign_in": "Войти",
        "sign_out": "Выйти",
        "username": "Логин",
        "password": "Пароль",
        "wrong_login": "Неверный логин или пароль",
        "too_many": "Слишком много попыток, подождите минуту",
        "language": "Язык",
        "today": "Сегодня",
        "tomorrow": "Завтра",
        "no_orders": "Заказов нет",
        "booked": "записано",
        "target": "цель",
        "headcount": "нужно",
        "fill_probability": "вероятность набора",
        "status": "Статус",
        "save": "Сохранить",
        "not_found": "Не найдено",
        "to_start_page": "На вашу начальную страницу",
    },
    "en": {
        "brand": "Brigada",
        "skip": "Skip to content",
        "nav": "Sections",
        "board": "Orders",
        "new_order": "New order",
        "workers": "Workers",
        "messages": "Messages",
        "foreman": "Shift",
        "phone": "Phone",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "username": "Username",
        "password": "Password",
        "wrong_login": "Wrong username or password",
        "too_many": "Too many attempts; wait a minute",
        "language": "Language",
        "today": "Today",
        "tomorrow": "Tomorrow",
        "no_orders": "No orders",
        "booked": "booked",
        "target": "target",
        "headcount": "needed",
        "fill_probability": "chance to fill",
        "status": "Status",
        "save": "Save",
        "not_found": "Not found",
        "to_start_page": "To your start page",
    },
}


def add(words: dict[str, tuple[str, str]]) -> None:
    """A page module's own words, key -> (Russian, English), merged in at import (keys must
    not clash)."""
    clash = set(words) & set(TEXTS["ru"])
    if clash:
        raise ValueError(f"console words defined twice: {sorted(clash)}")
    for key, (ru, en) in words.items():
        TEXTS["ru"][key], TEXTS["en"][key] = ru, en


def translator(language: str) -> Callable[[str], str]:
    """t("key") in the language, falling back to Russian, then to the key itself."""
    table = TEXTS.get(language, TEXTS["ru"])

    def t(key: str) -> str:
        return table.get(key) or TEXTS["ru"].get(key) or key

    return t
