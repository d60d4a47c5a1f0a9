"""The PostgreSQL programs get the server from the URL, the password only by environment."""

from brigada.pgtools import Database


def test_a_url_becomes_libpq_variables_and_no_password_in_arguments():
    db = Database.of(
        "postgresql+psycopg://brigada:s3cret@/brigada?host=/run/postgresql&sslmode=require"
    )
    env = db.env()
    assert (env["PGHOST"], env["PGSSLMODE"]) == ("/run/postgresql", "require")
    assert (env["PGUSER"], env["PGPASSWORD"]) == ("brigada", "s3cret")
    assert db.name == "brigada"
    assert db.sibling("brigada_drill").sqlalchemy_url.endswith(
        "/brigada_drill?host=%2Frun%2Fpostgresql&sslmode=require"
    )


def test_host_and_port_of_the_url():
    env = Database.of("postgresql+psycopg://postgres@10.0.0.5:5433/brigada").env()
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("10.0.0.5", "5433", "postgres")
