"""The client's word on the work, in the office's pages: the sign-off of a timesheet with the
branch's queue of disputes (api/console/verdicts/disputes.py), and the crew's rating by SMS
with the dispatcher's cases (api/console/verdicts/quality.py)."""

SIGNOFF_WORDS = {
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


QUALITY_WORDS = {
    "quality_title": ("Оценки клиентов", "Clients' ratings"),
    "quality_nav": ("Оценки", "Ratings"),
    "quality_intro": (
        "После закрытия смены контакт объекта получает СМС с просьбой оценить бригаду от 1 "
        "до 5. Оценка 1 или 2 открывает разбор: позвоните клиенту и закройте разбор с "
        "записью, что сделано.",
        "After the close the site's contact is asked by SMS to rate the crew 1 to 5. A 1 or "
        "2 opens a case: call the client, then close the case saying what was done.",
    ),
    "quality_none": ("Оценок пока нет.", "No ratings yet."),
    "quality_order": ("Заказ", "Order"),
    "quality_client": ("Клиент и объект", "Client and site"),
    "quality_asked": ("Спросили", "Asked"),
    "quality_score": ("Оценка", "Score"),
    "quality_no_answer": ("нет ответа", "no answer"),
    "quality_comment": ("Комментарий", "Comment"),
    "quality_case": ("Разбор", "Case"),
    "quality_case_open": ("открыт", "open"),
    "quality_case_closed": ("закрыт {at}", "closed {at}"),
    "quality_note": ("Что сделано", "What was done"),
    "quality_close": ("Закрыть разбор", "Close the case"),
    "quality_on_order": ("Оценка клиента: {score} из 5", "The client's rating: {score} of 5"),
    "quality_badge": ("оценка {score}: разбор", "rated {score}: case"),
    "quality_badge_title": (
        "Клиент низко оценил бригаду: позвоните ему и закройте разбор.",
        "The client rated the crew low: call them, then close the case.",
    ),
    "err_quality_case_not_found": (
        "У этого заказа нет разбора.",
        "This order has no case.",
    ),
    "err_quality_case_closed": ("Разбор уже закрыт.", "The case is closed already."),
}
