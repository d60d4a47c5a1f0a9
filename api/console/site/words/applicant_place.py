"""The applicant's location page (opened from the registration dialogue's text)."""

WORDS = {
    "aplace_title": ("Где вы живёте", "Where you live"),
    "aplace_hint": (
        "Нажмите кнопку: телефон спросит разрешение определить, где вы. Место нужно, чтобы "
        "предлагать работу рядом с домом.",
        "Press the button: the phone will ask to share where you are. We use it to offer "
        "work near your home.",
    ),
    "aplace_here": ("Отправить, где я", "Send where I am"),
    "aplace_done": (
        "Спасибо, место получено. Ответьте на SMS, чтобы закончить запись.",
        "Thank you, your location is in. Answer the SMS to finish signing up.",
    ),
    "aplace_stale": (
        "Эта ссылка уже не нужна: напишите нам SMS, если хотите записаться.",
        "This link is no longer needed: text us if you want to sign up.",
    ),
    "aplace_no_geo": (
        "Этот телефон не определяет местоположение. Напишите в ответ на SMS название района.",
        "This phone cannot tell where it is. Reply to the SMS with your district's name.",
    ),
    "aplace_noscript": (
        "Включите в браузере скрипты и доступ к местоположению, или напишите в ответ на SMS "
        "название района.",
        "Turn on JavaScript and location, or reply to the SMS with your district's name.",
    ),
    "aplace_invalid": ("Ссылка недействительна.", "This link is not valid."),
}
