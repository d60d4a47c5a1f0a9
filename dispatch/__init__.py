"""Dispatch: one sub-package per stage of an order's flow, each importing only those below it
(import-linter): shift | replies | changes | repeat -> fill -> orders -> penalties -> texts ->
access -> registry.
Shared by all: the tables (models.py) and the statuses with their named sets (enums.py)."""
