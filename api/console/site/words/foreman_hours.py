"""The crew's hours on the close page: break, overtime with its approver, an early end, and
the timesheet's versions (api/console/site/foreman_hours.py)."""

WORDS = {
    "hours_title": ("Часы бригады", "The crew's hours"),
    "hours_hint": (
        "Перерыв, переработка и раннее окончание — для всей бригады. Каждое сохранение — "
        "новая версия табеля.",
        "Break, overtime and an early end apply to the whole crew. Each save is a new "
        "version of the timesheet.",
    ),
    "hours_break_min": ("Перерыв, мин", "Break, min"),
    "hours_break_paid": ("перерыв оплачивается", "the break is paid"),
    "hours_break_unpaid": ("перерыв не оплачивается", "the break is unpaid"),
    "hours_overtime_until": ("Переработка до (ЧЧ:ММ)", "Overtime until (HH:MM)"),
    "hours_overtime_approved_by": (
        "Кто из клиента согласовал переработку",
        "Who of the client approved the overtime",
    ),
    "hours_ended_at": ("Бригада закончила раньше, в (ЧЧ:ММ)", "The crew ended early, at (HH:MM)"),
    "hours_reason": ("Причина исправления", "Reason for the correction"),
    "hours_reason_hint": (
        "Смена закрыта: исправление делает офис и пишет причину.",
        "The shift is closed: the office corrects, with a reason.",
    ),
    "hours_save": ("Сохранить часы", "Save the hours"),
    "hours_correct": ("Исправить часы", "Correct the hours"),
    "hours_saved": ("Часы сохранены: версия {n}.", "Hours saved: version {n}."),
    "hours_office_only": (
        "Смена закрыта: часы исправляет офис.",
        "The shift is closed: the office corrects the hours.",
    ),
    "hours_versions": ("Версии табеля", "Timesheet versions"),
    "hours_version_none": (
        "Версий нет: табель — как при закрытии смены.",
        "No versions: the timesheet is as closed.",
    ),
    "hours_version_row": ("Версия {n} · {when} · {who}", "Version {n} · {when} · {who}"),
    "hours_v_break": ("перерыв {n} мин", "break {n} min"),
    "hours_v_overtime": (
        "переработка до {until}, согласовал(а) {by}",
        "overtime until {until}, approved by {by}",
    ),
    "hours_v_end": ("бригада закончила в {at}", "the crew ended at {at}"),
    "hours_rounding": ("Часы в счёте клиенту: {rule}", "Hours on the client's bill: {rule}"),
    "hours_scheduled": ("По плану, ч", "Scheduled, h"),
    "hours_billed": ("К счёту, ч", "Billed, h"),
    # the fields of the hours form (FastAPI's refusals name them)
    "field_break_min": ("Перерыв, мин", "Break, min"),
    "field_overtime_until": ("Переработка до", "Overtime until"),
    "field_overtime_approved_by": ("Кто согласовал переработку", "Who approved the overtime"),
    "field_ended_at": ("Раннее окончание", "Early end"),
    "field_saved": ("Сохранённая версия", "The version saved"),
}
