"""The site check-in code on the foreman's page (api/console/site/site_code.py)."""

WORDS = {
    "site_code_title": ("Код отметки", "Check-in code"),
    "site_code_until": ("сменится в {time}", "changes at {time}"),
    "site_code_how": (
        "Без геолокации рабочий пишет СМС: {word} {code}",
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
    # The texts' kinds, as the message log and the branch's texts page name them.
    "messages_kind_checkin_code_ok": ("по коду: отметка принята", "by code: checked in"),
    "messages_kind_checkin_code_repeated": ("по коду: уже отмечен", "by code: already in"),
    "messages_kind_checkin_code_missing": ("по коду: нет кода", "by code: no code"),
    "messages_kind_checkin_code_wrong": ("по коду: неверный код", "by code: wrong code"),
    "messages_kind_checkin_code_expired": ("по коду: код устарел", "by code: code expired"),
    "messages_kind_checkin_code_other": ("по коду: код другого заказа", "by code: another order's"),
    "messages_kind_checkin_code_no_shift": ("по коду: смены нет", "by code: no shift now"),
    "messages_kind_checkin_code_limited": (
        "по коду: слишком много попыток",
        "by code: too many tries",
    ),
}
