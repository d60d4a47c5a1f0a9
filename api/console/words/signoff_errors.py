"""Refusals of the client's sign-off of a timesheet (dispatch/shift/signoff.py), by code."""

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
}
