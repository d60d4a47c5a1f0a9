"""Repeat orders' routes: a copy of an order and weekly patterns (routes.py). A package of its
own: api/routes holds ten modules, the house's most for one package."""

from api.routes.repeat.routes import router

__all__ = ["router"]
