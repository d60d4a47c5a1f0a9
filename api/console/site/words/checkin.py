"""The worker's check-in page (opened from the booking text)."""

WORDS = {
    "checkin_title": ("Отметка о приходе", "Check in"),
    "checkin_order": ("Заказ", "Order"),
    "checkin_client": ("Заказчик", "Client"),
    "checkin_site": ("Объект", "Site"),
    "checkin_address": ("Адрес", "Address"),
    "checkin_foreman": ("Бригадир", "Foreman"),
    "checkin_start": ("Начало", "Starts"),
    "checkin_end": ("Конец", "Ends"),
    "checkin_here": ("Я на месте", "I am here"),
    "checkin_hint": (
        "Нажмите, когда будете на объекте: телефон спросит разрешение определить, где вы.",
        "Press it once you are on site: the phone will ask to share where you are.",
    ),
    "checkin_locating": ("Определяем, где вы…", "Finding where you are…"),
    "checkin_sending": ("Отправляем…", "Sending…"),
    "checkin_denied": (
        "Нет доступа к местоположению. Разрешите его в настройках браузера и нажмите ещё раз.",
        "No access to your location. Allow it in the browser's settings and press again.",
    ),
    "checkin_unavailable": (
        "Не удалось определить, где вы. Выйдите на открытое место и нажмите ещё раз.",
        "Your location could not be found. Step into the open and press again.",
    ),
    "checkin_no_geo": (
        "Этот телефон не определяет местоположение. Скажите бригадиру, что вы пришли.",
        "This phone cannot tell where it is. Tell the foreman you are here.",
    ),
    "checkin_noscript": (
        "Для отметки включите в браузере скрипты и доступ к местоположению. Или скажите "
        "бригадиру, что вы пришли.",
        "To check in, turn on JavaScript and location. Or tell the foreman you are here.",
    ),
    "checkin_recorded": (
        "Записано: вы на месте в {time}. Бригадир подтвердит приход.",
        "Recorded: you were on site at {time}. The foreman will confirm.",
    ),
    "checkin_already": (
        "Вы уже отметились в {time}. Бригадир подтвердит приход.",
        "You checked in at {time}. The foreman will confirm.",
    ),
    "checkin_far": (
        "Вы в {distance} от объекта (нужно не дальше {need} м). Подойдите ближе и нажмите ещё раз.",
        "You are {distance} from the site (need {need} m or less). Come closer and press again.",
    ),
    "checkin_invalid": (
        "Ссылка недействительна. Откройте ссылку из СМС целиком.",
        "This link is not valid. Open the whole link from the SMS.",
    ),
    "checkin_bad_location": (
        "Местоположение не получено. Нажмите ещё раз.",
        "No location was received. Press again.",
    ),
    "checkin_m": ("{n} м", "{n} m"),
    "checkin_km": ("{n} км", "{n} km"),
}
