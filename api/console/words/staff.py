"""The staff page (managers switch their branch's accounts off and on, give one-time
passwords) and the change-password page of every staff member."""

WORDS = {
    "staff_title": ("Сотрудники", "Staff"),
    "staff_username": ("Логин", "Username"),
    "staff_role": ("Роль", "Role"),
    "staff_branch": ("Филиал", "Branch"),
    "staff_state": ("Доступ", "Access"),
    "staff_actions": ("Действия", "Actions"),
    "staff_active": ("работает", "active"),
    "staff_inactive": ("отключён", "switched off"),
    "staff_must_change": ("сменит пароль при входе", "changes password at sign-in"),
    "staff_deactivate": ("Отключить", "Switch off"),
    "staff_activate": ("Включить", "Switch on"),
    "staff_one_time": ("Временный пароль", "One-time password"),
    "staff_one_time_made": (
        "Временный пароль для {name}: {password} — покажите его один раз; при входе "
        "сотрудник задаст свой.",
        "One-time password for {name}: {password} — it is shown once; they choose their own "
        "at sign-in.",
    ),
    "staff_deactivated": (
        "{name} отключён: все его сеансы завершены.",
        "{name} is switched off: every session of theirs has ended.",
    ),
    "staff_activated": ("{name} снова может войти.", "{name} may sign in again."),
    "staff_none": ("Сотрудников нет", "No staff"),
    "staff_role_admin": ("администратор", "admin"),
    "staff_role_manager": ("управляющий", "manager"),
    "staff_role_dispatcher": ("диспетчер", "dispatcher"),
    "staff_role_foreman": ("бригадир", "foreman"),
    "staff_role_owner": ("владелец", "owner"),
    "staff_role_call_centre": ("колл-центр", "call centre"),
    "staff_organisation": ("Организация", "Organisation"),
    "password_title": ("Смена пароля", "Change password"),
    "password_forced": (
        "Вы вошли с временным паролем. Задайте свой, чтобы продолжить.",
        "You signed in with a one-time password. Choose your own to go on.",
    ),
    "password_old": ("Текущий пароль", "Current password"),
    "password_new": ("Новый пароль", "New password"),
    "password_repeat": ("Новый пароль ещё раз", "New password again"),
    "password_hint": (
        "Не короче 10 знаков и не совпадает с логином.",
        "At least 10 characters, and not your username.",
    ),
    "password_change": ("Сменить пароль", "Change password"),
    "password_changed": (
        "Пароль изменён. Другие ваши сеансы завершены.",
        "Password changed. Your other sessions have ended.",
    ),
    "password_err_repeat": ("Пароли не совпадают", "The passwords do not match"),
}
