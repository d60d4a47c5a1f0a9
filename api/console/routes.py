"""The console's pages, its static files and the vendored front-end libraries, on the app."""

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.console import accounts, signin, web
from api.console.billing import invoices as invoice_pages  # issue 21: invoices, acts
from api.console.billing import payouts as payout_pages  # issue 21: payout batches
from api.console.billing import royalties as royalty_pages  # issue 21: royalty statements
from api.console.headers import SecurityHeaders
from api.console.manage import owners, settings, staff, texts
from api.console.network import areas as area_pages  # issue 21: the network's pages
from api.console.network import call_centre as call_centre_pages
from api.console.network import organisations as organisation_pages
from api.console.office import (
    dispatcher,
    list_exports,
    order_actions,
    order_approval,
    order_edit,
    order_form,
    phone,
    short_orders,
)
from api.console.office import order_repeat as repeat_pages
from api.console.office.order_book import router as order_book_router  # issue 17
from api.console.portal import change as portal_change
from api.console.portal import hooks as portal_hooks
from api.console.portal import order as portal_order
from api.console.portal import orders as portal_orders  # issue 18: the client's portal
from api.console.portal import signoff as portal_signoff
from api.console.portal import team as portal_team  # issue 18: a client's users and keys
from api.console.portal import workers as portal_workers
from api.console.rates import card as rate_card_pages  # issue 21: the rate card
from api.console.rates import margin as margin_preview  # issue 21: the order form's margin
from api.console.recruiting import districts as district_pages  # issue 19: districts
from api.console.recruiting import pages as recruiting_pages  # issue 19: applicants
from api.console.registry import client_users as client_user_pages
from api.console.registry import clients as client_pages
from api.console.registry import sites as site_pages
from api.console.registry import worker_form, worker_import, worker_vetting, workers
from api.console.registry.client_hooks import router as client_hooks_router  # issue 18
from api.console.registry.worker_page.availability import router as availability_router
from api.console.registry.worker_page.forget import router as forget_router
from api.console.reports import page as report_pages  # issue 21: the network's reports
from api.console.site import applicant_place, checkin, foreman, foreman_close, site_code
from api.console.site.foreman_app import router as foreman_app_router  # issue 20: the app
from api.console.site.foreman_review import router as foreman_review_router  # issue 17
from api.console.site.foreman_sync import router as foreman_sync_router  # issue 20: offline
from api.console.verdicts import quality
from api.console.verdicts.disputes import router as disputes_router  # issue 18
from api.console.verdicts.worker_disputes import router as worker_disputes_router  # issue 19

HERE = Path(__file__).resolve().parent
# htmx, Leaflet and Swagger UI (for /docs) from the npm registry (web/package.json, installed
# by make and by the Dockerfile's assets stage): no CDN.
VENDOR = HERE.parent.parent / "web" / "node_modules"
VENDORED = {
    "chartjs": VENDOR / "chart.js" / "dist",  # issue 21: the reports' charts
    "htmx": VENDOR / "htmx.org" / "dist",
    "leaflet": VENDOR / "leaflet" / "dist",
    "swagger-ui": VENDOR / "swagger-ui-dist",
}
PAGES = (
    signin.router,
    margin_preview.router,  # before dispatcher's /orders/{order_id}
    order_form.router,  # before dispatcher's /orders/{order_id}
    rate_card_pages.router,
    dispatcher.router,
    order_actions.router,
    order_approval.router,  # issue 18: approving a client's order placed inside the lead time
    order_edit.router,
    order_book_router,
    repeat_pages.router,
    short_orders.router,
    disputes_router,
    worker_disputes_router,
    quality.router,
    invoice_pages.router,
    royalty_pages.router,
    foreman.router,
    foreman_close.router,
    site_code.router,  # issue 20: the site check-in code and its QR code
    foreman_review_router,
    foreman_app_router,
    foreman_sync_router,
    worker_form.router,  # before workers' /workers/{worker_id}
    worker_vetting.router,  # before workers' /workers/{worker_id}
    worker_import.router,  # before workers' /workers/{worker_id}
    forget_router,  # issue 19: POST /workers/{worker_id}/forget
    list_exports.router,  # before workers' /workers/{worker_id}
    availability_router,  # issue 19: clearing a worker's pause
    workers.router,
    recruiting_pages.router,
    district_pages.router,
    phone.router,
    checkin.router,
    applicant_place.router,  # issue 19: an applicant's location link
    accounts.router,
    client_pages.router,
    client_user_pages.router,
    client_hooks_router,
    site_pages.router,
    staff.router,
    owners.router,  # issue 21: an owner's branches
    settings.router,
    texts.router,
    portal_orders.router,  # before portal_order's /orders/{order_id}
    portal_order.router,
    portal_signoff.router,
    portal_team.router,
    portal_change.router,
    portal_workers.router,
    portal_hooks.router,
    area_pages.router,  # issue 21: a branch's area, organisations, the call centre
    organisation_pages.router,
    call_centre_pages.router,
    report_pages.router,
    payout_pages.router,
)


def install(app: FastAPI) -> None:
    web.install(app)
    app.state.checkin_limiter = checkin.CheckinLimiter(app.state.settings)
    app.add_middleware(SecurityHeaders)
    app.mount("/static/console", StaticFiles(directory=HERE / "static"), name="console-static")
    for name, directory in VENDORED.items():
        app.mount(
            f"/static/vendor/{name}",
            StaticFiles(directory=directory, check_dir=False),
            name=f"vendor-{name}",
        )
    for router in PAGES:
        app.include_router(router, dependencies=[Depends(web.no_nul_in_query)])
