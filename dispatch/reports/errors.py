"""The reports' errors: stable codes the API and the console translate."""

from core.errors import InvalidInput, NotFound


class ReportNotFound(NotFound):
    """No report of that name (fill, attendance, money, workers, calibration)."""

    code = "report_not_found"


class BadGroupBy(InvalidInput):
    """group_by is not one of the report's groupings."""

    code = "report_group_by"


class BadPeriod(InvalidInput):
    """from after to, or a period longer than MAX_DAYS."""

    code = "report_period"
