"""The words of the order page's "Change the order" form (api/console/office/order_edit.py)."""

WORDS = {
    "chg_title": ("Изменить заказ", "Change the order"),
    "chg_open": ("Изменить заказ…", "Change the order…"),
    "chg_intro": (
        "Больше людей — сразу уходит новая волна; меньше — сначала снимается резерв, потом "
        "последние записавшиеся (им придёт СМС). Новое время — все записанные подтверждают "
        "выход заново.",
        "More workers: a new wave goes out at once. Fewer: standby is let go first, then the "
        "most recently booked (they get an SMS). New times: every booked worker confirms again.",
    ),
    "chg_foreman": ("Бригадир", "Foreman"),
    "chg_foreman_site": ("бригадир объекта", "the site's foreman"),
    "chg_notes": ("Примечание для работников", "Notes for the workers"),
    "chg_notes_hint": (
        "Что взять с собой, где встречаемся. Видно на странице заказа и у бригадира.",
        "What to bring, where to meet. Shown on the order page and to the foreman.",
    ),
    "chg_notes_shown": ("Примечание", "Notes"),
    "chg_save": ("Сохранить изменения", "Save the changes"),
    "chg_back": ("К заказу", "Back to the order"),
    "chg_errors": (
        "Заказ не изменён, исправьте поля:",
        "The order was not changed; correct these fields:",
    ),
    # FastAPI's refusals name the form's fields (api/console/words/refusals.py)
    "chg_refused": ("Заказ не изменён", "The order was not changed"),
}
