"""`brigada reports rebuild`: dates are checked; a range rebuilds its branch-days."""

from typer.testing import CliRunner

from brigada.cli import app


def test_the_rebuild_command_checks_its_dates_and_runs(engine):
    runner = CliRunner()
    bad = runner.invoke(app, ["reports", "rebuild", "--from", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    # A range with no orders at all: nothing to do, and said so.
    done = runner.invoke(app, ["reports", "rebuild", "--from", "1990-01-01", "--to", "1990-01-02"])
    assert done.exit_code == 0, done.output
    assert "rebuilt 0 branch-days" in done.output
