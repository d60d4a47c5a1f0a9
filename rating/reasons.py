"""Why the rules made a ledger entry: a stable code with its figures. The console says it in
the reader's language by the code (api/console/words/common.py); the English `text` is what
the entry's `reason` keeps for the API and the audit log. A reason a person typed (a
dispatcher's reversal) has no code: it is shown as typed."""

from dataclasses import dataclass, field

# code -> the English words, filled with the reason's figures.
REASONS = {
    "absent": "did not come",
    "late": "arrived {minutes} min after the start",
    "late_as_no_show": (
        "arrived {minutes} min after the start, more than {limit} min: counts as a no-show"
    ),
    "left_early": "left {minutes} min early",
    "sent_home": "sent home unfit: {why}",  # why: dispatch/enums.py SENT_HOME_REASONS
    "released_on_site": "released on site",
    "client_cancelled_late": "the client cancelled late",
    "late_cancellation": "cancelled {hours} h before the start (window {window} h)",
    "complaint": "complaint by {by}: {comment}",
    "attendance_corrected": "attendance corrected",
}


@dataclass(frozen=True)
class Reason:
    code: str
    args: dict[str, str | int | float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"unknown ledger reason {self.code!r}")

    @property
    def text(self) -> str:
        return REASONS[self.code].format(**self.args)


def of(code: str, **args: str | int | float) -> Reason:
    return Reason(code, args)
