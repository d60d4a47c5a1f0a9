"""The royalty statements page (admins: every organisation; an owner: theirs): a month
picker, a row per organisation, and each statement's CSV."""

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.console.web import PREFIX, language, render, staff
from api.deps import DB
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.billing import royalties

router = APIRouter(prefix=PREFIX, include_in_schema=False)
READERS = staff("admin", "owner")
MONTH = Query(None, alias="royalty_month", pattern=r"^\d{4}-\d{2}$")


@router.get("/royalties")
def royalties_page(
    request: Request,
    month: str | None = MONTH,
    actor: Actor = Depends(READERS),
    session: Session = DB,
) -> Response:
    first = royalties.parse_month(month) if month else now().date().replace(day=1)
    rows = royalties.statements(session, actor=actor, month=first)
    context = {"rows": rows, "month": first.strftime("%Y-%m")}
    return render(request, "royalties.html", context, actor=actor)


@router.get("/royalties/{royalty_org_id}/csv")
def royalties_csv(
    request: Request,
    royalty_org_id: IdPath,
    month: str = Query(..., alias="royalty_month", pattern=r"^\d{4}-\d{2}$"),
    actor: Actor = Depends(READERS),
    session: Session = DB,
) -> Response:
    first = royalties.parse_month(month)
    statement = royalties.statement(session, royalty_org_id, actor=actor, month=first)
    return Response(
        royalties.as_csv(statement, language(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="royalties-{month}.csv"'},
    )
