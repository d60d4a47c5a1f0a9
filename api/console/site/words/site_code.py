"""The site check-in code on the foreman's page (api/console/site/site_code.py)."""

WORDS = {
    "site_code_title": ("Код отметки", "Check-in code"),
    "site_code_until": ("сменится в {time}", "changes at {time}"),
    "site_code_how": (
        "Без GPS рабочий пишет СМС: {word} {code}",
        "Without GPS a worker texts: {word} {code}",
    ),
    "site_code_qr": (
        "QR-код: камера телефона откроет СМС с кодом",
        "QR code: the phone's camera opens the text with the code",
    ),
    "site_code_closed": (
        "Код появится за 3 ч до начала и действует до конца смены",
        "The code shows from 3 h before the start until the end of the shift",
    ),
    "foreman_checked_in_code": ("Отметка по коду в {time}", "Checked in by code at {time}"),
}
