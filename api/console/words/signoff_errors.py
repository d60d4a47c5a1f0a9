"""Refusals of the client's sign-off of a timesheet (dispatch/shift/signoff.py) and of recording
hours (dispatch/hours/errors.py), by code."""

WORDS = {
    "err_timesheet_not_closed": (
        "Табель подтверждают только после закрытия смены: до него часы ещё меняются.",
        "A timesheet is signed off only after the shift is closed: until then hours may change.",
    ),
    "err_not_on_timesheet": (
        "Этого работника нет в табеле заказа.",
        "This worker has no line on the order's timesheet.",
    ),
    "err_line_already_approved": (
        "Строка уже подтверждена клиентом: оспорить её нельзя.",
        "The line is already approved: it can no longer be disputed.",
    ),
    "err_line_already_disputed": (
        "Строка уже оспорена и ждёт решения офиса.",
        "The line is already disputed and waits for the office.",
    ),
    "err_line_already_settled": (
        "Спор по строке уже решён.",
        "The dispute on this line is already settled.",
    ),
    "err_line_invoiced": (
        "Строка уже в счёте клиенту: оспорить, решить спор или поправить часы нельзя.",
        "The line is on an invoice to the client: it can no longer be disputed, settled or "
        "re-timed.",
    ),
    "err_line_not_disputed": (
        "Строка не оспорена: решать нечего.",
        "The line is not disputed: there is nothing to settle.",
    ),
    "err_sign_off_forbidden": (
        "Вы не можете подтверждать табель за клиента этого заказа.",
        "You may not sign off this order's timesheet for its client.",
    ),
    "err_settled_hours_invalid": (
        "Часы: от 0 до 24, не точнее сотых.",
        "Hours: 0 to 24, to the hundredth.",
    ),
    "field_hours": ("Часы", "Hours"),
    "field_source": ("Чей отзыв", "Whose review"),
    "field_stars": ("Оценка", "Stars"),
    "field_complaint": ("Жалоба", "Complaint"),
    "field_complaint_reason": ("Причина жалобы", "What the complaint is about"),
    "field_comment": ("Комментарий", "Comment"),
    # -- hours as they were (dispatch/hours/errors.py) --
    "err_hours_break_out_of_bounds": (
        "Перерыв — от 0 до 600 минут и короче смены.",
        "A break is 0 to 600 minutes and shorter than the shift.",
    ),
    "err_hours_overtime_out_of_bounds": (
        "Переработка — после планового конца смены, не больше чем на 12 часов.",
        "Overtime runs past the scheduled end, by at most 12 hours.",
    ),
    "err_hours_overtime_not_approved": (
        "Переработка — только с именем представителя клиента, который её согласовал.",
        "Overtime needs the name of the client's person who approved it.",
    ),
    "err_hours_early_end_out_of_bounds": (
        "Раннее окончание — между началом и плановым концом смены.",
        "An early end falls between the start and the scheduled end.",
    ),
    "err_hours_end_conflict": (
        "Нельзя одновременно раннее окончание и переработку.",
        "An early end and overtime cannot both hold.",
    ),
    "err_hours_reason_required": (
        "После закрытия смены исправление часов требует причины.",
        "A correction of hours after the close needs a reason.",
    ),
    "err_hours_office_only": (
        "После закрытия смены часы исправляет только офис.",
        "After the close only the office corrects the hours.",
    ),
    "err_hours_lines_approved": (
        "Клиент уже подтвердил строки табеля: часы больше не исправляют. Спорную строку "
        "решают через спор.",
        "The client has approved lines of this timesheet: its hours are final. A disputed "
        "line is settled through the dispute.",
    ),
    "err_hours_already_paid": (
        "Смены этого дня уже выплачены: их часы больше не исправляют.",
        "This day's shifts are already paid out: their hours are no longer corrected.",
    ),
}
