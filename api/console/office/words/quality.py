"""The clients' crew ratings and the dispatcher's cases (api/console/office/quality.py)."""

WORDS = {
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
