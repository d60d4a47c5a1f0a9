"""The client's sign-off of timesheets and the branch's queue of disputes (routes.py, with its
bodies in schemas.py). A package of its own: api/routes and api/schemas hold ten modules each,
the house's most for one package."""

from api.routes.signoff.routes import router

__all__ = ["router"]
