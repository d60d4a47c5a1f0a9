"""The processes: the `brigada` command, the supervisor of `brigada run`, the scheduler, what
the jobs process loads, and every package's models (for Alembic and tests). Above `api`."""
