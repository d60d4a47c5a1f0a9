"""The `brigada` command: migrate, run, seed, add users, and each process on its own."""

from pathlib import Path
from typing import NoReturn

import typer

from core.settings import get_settings

app = typer.Typer(help="Brigada: dispatch for day-labour staffing firms.", no_args_is_help=True)
user_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo network.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(demo_app, name="demo")
reports_app = typer.Typer(help="Report rollups (issue 21).", no_args_is_help=True)
app.add_typer(reports_app, name="reports")

ROOT = Path(__file__).resolve().parent.parent


def alembic_config():
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


@app.command()
def migrate(revision: str = typer.Argument("head")) -> None:
    """Bring the database schema up to REVISION (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    typer.echo(f"database migrated to {revision}")


@user_app.command("add")
def user_add(
    username: str = typer.Option(...),
    password: str = typer.Option(..., prompt=True, hide_input=True),
    role: str = typer.Option(
        ..., help="admin, owner, call_centre, manager, dispatcher, foreman or recruiter"
    ),
    branch: str | None = typer.Option(
        None, help="branch code (all roles but admin, owner, call_centre)"
    ),
    organisation: str | None = typer.Option(None, help="an owner's organisation, by name"),
) -> None:
    """Add a staff account."""
    from core.db import session_scope
    from core.errors import DomainError
    from core.tenancy import SYSTEM
    from dispatch.registry import staff

    try:
        with session_scope() as session:
            user = staff.create_user(
                session,
                actor=SYSTEM,
                username=username,
                password=password,
                role=role,
                branch_code=branch,
                organisation=organisation,
            )
            typer.echo(f"added {user.role} {user.username} (id {user.id})")
    except DomainError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _on_user(username: str, change) -> None:
    """Runs change(session, user) as the system, in one transaction; domain errors exit 2."""
    from core.db import session_scope
    from core.errors import DomainError
    from dispatch.registry import staff

    try:
        with session_scope() as session:
            change(session, staff.find_user(session, username))
    except DomainError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@reports_app.command("rebuild")
def reports_rebuild(
    from_: str | None = typer.Option(None, "--from", help="first day, YYYY-MM-DD (branch time)"),
    to: str | None = typer.Option(None, "--to", help="last day, YYYY-MM-DD"),
) -> None:
    """Rebuild the report rollups from the raw orders (every day, or FROM..TO)."""
    from datetime import date

    from dispatch.reports import keeping

    try:
        first = date.fromisoformat(from_) if from_ else None
        last = date.fromisoformat(to) if to else None
    except ValueError:
        typer.echo("error: --from and --to are dates YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None
    days = keeping.rebuild(first, last)
    typer.echo(f"rebuilt {days} branch-days")


@app.command()
def backup(
    path: Path | None = typer.Argument(
        None, help="the dump file; default <BRIGADA_BACKUP_DIR>/<database>-<UTC time>.dump"
    ),
) -> None:
    """pg_dump -Fc of the database, with its row counts and ledger sums beside it; exit 2 on
    any failure."""
    from datetime import UTC, datetime

    from brigada import pgtools
    from brigada.backup import backup as dump_database
    from brigada.backup import default_path
    from brigada.figures import figures_path

    settings = get_settings()
    name = pgtools.Database.of(settings.database_url).name
    target = path or default_path(settings.backup_dir, name, datetime.now(UTC))
    try:
        figures = dump_database(settings.database_url, target)
    except Exception as exc:  # exit 2 is "no backup", whatever failed (a tool, the server, disk)
        _failed(exc)
    rows = sum(figures.counts.values())
    typer.echo(f"dumped {name} at revision {figures.revision} to {target}")
    typer.echo(f"  {target.stat().st_size} bytes; {len(figures.counts)} tables, {rows} rows")
    typer.echo(f"  figures for the restore drill: {figures_path(target)}")


@app.command("restore-drill")
def restore_drill(
    dump: Path = typer.Argument(..., exists=True, dir_okay=False, help="a `brigada backup` dump"),
    keep: bool = typer.Option(False, help="keep the restored database (it is dropped otherwise)"),
    into: str | None = typer.Option(
        None, help="the new database's name; default <database>_drill_<UTC time>"
    ),
    check: str | None = typer.Option(
        None, help="restore nothing: compare this existing database (a kept drill's) instead"
    ),
) -> None:
    """Restore DUMP into a fresh database, migrate it, compare row counts and the ledger's
    sums with the dump's; exit 1 on any difference, 2 when the drill itself failed (or could
    not drop its database)."""
    from brigada.drill import drill

    try:
        report = drill(
            get_settings().database_url,
            dump,
            alembic_config=alembic_config(),
            into=check or into,
            keep=keep,
            check_only=check is not None,
        )
    except Exception as exc:  # exit 1 means differences found; anything else is a failed drill
        _failed(exc)
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)
    raise typer.Exit(2 if report.cleanup_failed else 0)


def _failed(exc: Exception) -> NoReturn:
    """The error's kind and message on one line, then exit 2 (no traceback)."""
    typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
    raise typer.Exit(2) from None


@user_app.command("deactivate")
def user_deactivate(username: str) -> None:
    """Switch an account off: no sign-in, and every token and console session ends now."""
    from core.tenancy import SYSTEM
    from dispatch.registry import accounts

    def change(session, user) -> None:
        accounts.deactivate(session, actor=SYSTEM, user_id=user.id)
        typer.echo(f"deactivated {user.username}; every session of theirs has ended")

    _on_user(username, change)


@user_app.command("activate")
def user_activate(username: str) -> None:
    """Switch an account back on (they sign in anew)."""
    from core.tenancy import SYSTEM
    from dispatch.registry import accounts

    def change(session, user) -> None:
        accounts.activate(session, actor=SYSTEM, user_id=user.id)
        typer.echo(f"activated {user.username}")

    _on_user(username, change)


@user_app.command("set-password")
def user_set_password(
    username: str,
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="asked when not given"
    ),
    one_time: bool = typer.Option(
        True,
        "--one-time/--permanent",
        help="one-time (the default): the user must choose their own at the next sign-in",
    ),
) -> None:
    """Give an account a password (a forgotten one, a locked-out admin); every session of
    theirs ends."""
    from core.tenancy import SYSTEM
    from dispatch.registry import accounts

    def change(session, user) -> None:
        accounts.set_password(
            session, actor=SYSTEM, user_id=user.id, password=password, one_time=one_time
        )
        kind = "one-time password (to be changed at sign-in)" if one_time else "password"
        typer.echo(f"set a {kind} for {user.username}")

    _on_user(username, change)


@user_app.command("unlock")
def user_unlock(username: str = typer.Option(...)) -> None:
    """Clear a user's failed sign-ins from every address (the API's and the console's)."""
    from api.auth import LoginLimiter
    from core.settings import get_settings

    held = LoginLimiter(get_settings()).unlock(username)
    typer.echo(f"unlocked {username} ({held} address(es) were counting attempts)")


@demo_app.command("seed")
def demo_seed(
    workers: int = typer.Option(5_000, min=0, max=2_000_000),
    branches: int = typer.Option(10, min=1, max=95),
    if_empty: bool = typer.Option(False, help="do nothing when the database has branches"),
) -> None:
    """Seed branches, clients, sites, workers and one login per role."""
    from sqlalchemy import func, select

    from core.db import session_scope
    from dispatch.models import Branch
    from dispatch.registry import demo

    settings = get_settings()
    with session_scope() as session:
        if session.scalar(select(func.count()).select_from(Branch)):
            if if_empty:
                typer.echo("database already has data; demo seed skipped")
                return
            typer.echo("error: the database already has branches", err=True)
            raise typer.Exit(2)
        result = demo.seed(
            session,
            workers=workers,
            branches=branches,
            env=settings.env,
            on_network=not settings.host_is_loopback,
        )
    typer.echo(
        f"seeded {len(result.branches)} branches ({', '.join(result.branches)}), "
        f"{result.clients} clients, {result.sites} sites, {result.workers} workers"
    )
    for role, password in result.logins.items():
        typer.echo(f"  login {role:<10} password {password}")


def refuse_published_logins(host: str) -> None:
    """Other machines can reach the API: the README's demo passwords must not let them in.
    Checked here, where the address is bound, because only the database knows whether a
    demo seed (of any environment, any earlier day) left one of them in place."""
    from core.db import session_scope
    from dispatch.registry import demo

    with session_scope() as session:
        exposed = demo.published_logins(session)
    if exposed:
        typer.echo(
            f"error: BRIGADA_HOST={host} serves other machines, but {', '.join(exposed)} "
            "still sign in with the published demo password; give them new ones "
            "(brigada user set-password NAME) or keep BRIGADA_HOST=127.0.0.1",
            err=True,
        )
        raise typer.Exit(2)


@app.command()
def api() -> None:
    """The HTTP API (uvicorn)."""
    import os
    import tempfile

    import uvicorn

    settings = get_settings()
    if not settings.host_is_loopback:
        refuse_published_logins(settings.host)
    if settings.web_concurrency > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each API process writes its metrics here; /metrics sums them (prometheus_client).
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="brigada-metrics-")
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        workers=settings.web_concurrency,
    )


@app.command()
def jobs(processes: int = 1, threads: int = 4) -> None:
    """The dramatiq jobs process."""
    import os
    import sys

    os.nice(get_settings().jobs_nice)  # inherited by dramatiq's worker processes
    # An idle consumer polls Redis with a backoff up to this (default 1 s): a new order's fill
    # job would wait up to a second before anyone looked.
    os.environ.setdefault("dramatiq_worker_timeout", "100")
    args = ["dramatiq", "brigada.jobs", "--processes", str(processes), "--threads", str(threads)]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


@app.command()
def scheduler() -> None:
    """The scheduler of periodic work (several may run: one leads, the rest wait)."""
    from brigada.scheduler import run_scheduler

    run_scheduler()


@app.command("jobs-alive")
def jobs_alive(max_age_s: float = 120.0) -> None:
    """Exit 0 when a jobs process ran the scheduler's heartbeat recently (a health check)."""
    from core.heartbeat import last_beat_age_s

    age = last_beat_age_s()
    typer.echo("no heartbeat yet" if age is None else f"last heartbeat {age:.0f} s ago")
    raise typer.Exit(0 if age is not None and age <= max_age_s else 1)


@app.command()
def run() -> None:
    """API, jobs and scheduler together; Ctrl-C stops all of them."""
    from brigada.runner import run_all

    raise typer.Exit(run_all())


if __name__ == "__main__":
    app()
