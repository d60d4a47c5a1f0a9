"""The client's sign-off of a timesheet and the branch's queue of disputes
(api/console/office/disputes.py)."""

WORDS = {
    "disputes_nav": ("Споры по табелям", "Timesheet disputes"),
    "disputes_title": ("Споры по табелям", "Timesheet disputes"),
    "disputes_none": ("Открытых споров нет.", "No open disputes."),
    "disputes_note": (
        "Оспоренная клиентом строка не идёт в счёт клиенту, пока спор не решён.",
        "A line the client disputed stays off the client's bill until the dispute is settled.",
    ),
    "disputes_order": ("Заказ", "Order"),
    "disputes_worker": ("Работник", "Worker"),
    "disputes_reason": ("Причина спора", "Why disputed"),
    "disputes_when": ("Когда", "When"),
    "disputes_settle": ("Решение", "Settlement"),
    "disputes_note_label": ("Что решили", "What was agreed"),
    "disputes_hours_label": ("Часы по соглашению (если меняются)", "Agreed hours (if they change)"),
    "disputes_settle_button": ("Решить спор", "Settle"),
    "disputes_someone": ("Работник №{id}", "Worker #{id}"),
    "signoff_title": ("Подтверждение табеля: заказ {code}", "Timesheet sign-off: order {code}"),
    "signoff_link": ("Подтверждение табеля клиентом", "The client's sign-off of the timesheet"),
    "signoff_on_behalf": (
        "Отмечайте то, что клиент сказал по телефону: подтверждение и споры записываются на вас.",
        "Record what the client said on the phone: approvals and disputes are recorded as yours.",
    ),
    "signoff_not_closed": (
        "Смена ещё не закрыта: табель подтверждают после закрытия.",
        "The shift is not closed yet: the timesheet is signed off after the close.",
    ),
    "signoff_hours": ("Часы", "Hours"),
    "signoff_amount": ("Сумма клиенту", "Client amount"),
    "signoff_state": ("Подтверждение", "Sign-off"),
    "signoff_approve": (
        "Клиент подтвердил все неоспоренные строки",
        "The client approves every line not disputed",
    ),
    "signoff_dispute": ("Клиент оспаривает строку", "The client disputes this line"),
    "signoff_dispute_reason": (
        "Что не так, со слов клиента",
        "What is wrong, in the client's words",
    ),
    "signoff_billable": (
        "К счёту клиенту сейчас: {amount} {currency}",
        "Billable to the client now: {amount} {currency}",
    ),
    "signoff_held": ("Строк на удержании: {n}", "Lines held: {n}"),
    "signoff_queue": ("Все открытые споры филиала", "All the branch's open disputes"),
    "signoff_settled_note": ("Решено: {note}", "Settled: {note}"),
    "signoff_st_pending": ("ждёт подтверждения", "pending"),
    "signoff_st_approved": ("подтверждено", "approved"),
    "signoff_st_disputed": ("оспорено, удержано", "disputed, held"),
    "signoff_st_settled": ("спор решён", "settled"),
    "signoff_review_given": ("Отзыв клиента: {stars} из 5", "The client's review: {stars} of 5"),
    "signoff_review_complaint": ("жалоба", "a complaint"),
    "signoff_review_stars": ("Оценка клиента", "The client's stars"),
    "signoff_review_comment": ("Слова клиента", "The client's words"),
    "signoff_review_button": ("Записать отзыв клиента", "Record the client's review"),
}
