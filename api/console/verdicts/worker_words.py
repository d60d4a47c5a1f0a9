"""Words of the office's queue of workers' disputes of penalties (issue 19)."""

WORKER_DISPUTE_WORDS = {
    "wdisputes_nav": ("Споры работников", "Worker disputes"),
    "wdisputes_title": ("Споры работников о взысканиях", "Workers' disputes of penalties"),
    "wdisputes_note": (
        "Работник оспорил взыскание по СМС. Без решения до срока взыскание снимется само.",
        "A worker disputed a penalty by SMS. Undecided by the deadline, it is reversed by itself.",
    ),
    "wdisputes_none": ("Открытых споров нет.", "No open disputes."),
    "wdisputes_worker": ("Работник", "Worker"),
    "wdisputes_someone": ("Работник №{id}", "Worker #{id}"),
    "wdisputes_order": ("Заказ", "Order"),
    "wdisputes_words": ("Слова работника", "The worker's words"),
    "wdisputes_no_words": ("(без пояснения)", "(no words)"),
    "wdisputes_penalty": ("Взыскание", "Penalty"),
    "wdisputes_penalty_line": (
        "{kind}: штраф {fine} {currency}, баллов {points}",
        "{kind}: fine {fine} {currency}, {points} points",
    ),
    "wdisputes_marks": ("Отметки", "Marks"),
    "wdisputes_marked_by": ("отметил: {name}", "marked by {name}"),
    "wdisputes_marked_by_system": ("отметила система", "marked by the system"),
    "wdisputes_arrived": ("пришёл {at}", "arrived {at}"),
    "wdisputes_left": ("ушёл {at}", "left {at}"),
    "wdisputes_checkin": (
        "отметился по ссылке {at}, {m} м от объекта",
        "checked in by link {at}, {m} m from the site",
    ),
    "wdisputes_no_checkin": ("по ссылке не отмечался", "no check-in by link"),
    "wdisputes_deadline": ("Срок решения", "Decide by"),
    "wdisputes_decide": ("Решение", "Decision"),
    "wdisputes_reverse": ("Снять взыскание", "Reverse the penalty"),
    "wdisputes_uphold": ("Оставить взыскание", "Uphold the penalty"),
    "wdisputes_reason": ("Причина (работник её получит)", "Reason (texted to the worker)"),
    "wdisputes_reversed": (
        "Взыскание снято, работнику отправлено SMS.",
        "Reversed; the worker is texted.",
    ),
    "wdisputes_upheld": (
        "Взыскание оставлено, работнику отправлена причина.",
        "Upheld; the worker is texted why.",
    ),
    **{f"wdisputes_kind_{kind}": words for kind, words in {
        "late": ("опоздание", "late arrival"),
        "no_show": ("неявка", "no-show"),
        "late_cancellation": ("поздняя отмена", "late cancellation"),
        "complaint": ("жалоба", "complaint"),
        "left_early": ("ранний уход", "left early"),
        "sent_home": ("отправка домой", "sent home"),
    }.items()},
    **{f"wdisputes_att_{mark}": words for mark, words in {
        "arrived": ("пришёл", "arrived"),
        "no_show": ("неявка", "no-show"),
        "left_early": ("ушёл раньше", "left early"),
        "released": ("отпущен", "released"),
        "sent_home": ("отправлен(а) домой", "sent home"),
    }.items()},
    "wdisputes_att_none": ("отметки нет", "no mark"),
    # the page's fields, as a refusal names them
    "field_dispute_id": ("Номер спора", "Dispute number"),
    "field_done": ("Что сделано", "What was done"),
}  # fmt: skip
