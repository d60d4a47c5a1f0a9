"""The branch's rate card over HTTP (issue 21, dispatch/rates/): GET and PUT
/api/v1/branches/{id}/rates. A package of its own: api/routes holds ten modules."""

from api.routes.rates.routes import router

__all__ = ["router"]
