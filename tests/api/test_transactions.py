"""The request owns the transaction: a commit that fails is a 500, never a success."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api.deps import DB


def test_a_commit_that_fails_answers_500_not_201(engine):
    with engine.connect() as conn:
        # A deferred constraint fires only at COMMIT: the route itself succeeds.
        conn.execute(text("CREATE TEMP TABLE parcels (id int)"))
        conn.execute(
            text(
                "CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON parcels "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse()"
            )
        )
        conn.commit()

        app = FastAPI()
        app.state.sessionmaker = sessionmaker(bind=conn)

        @app.post("/parcels", status_code=201)
        def add_parcel(session: Session = DB) -> dict:
            session.execute(text("INSERT INTO parcels VALUES (1)"))
            return {"saved": True}

        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.post("/parcels")
        assert answer.status_code == 500
        assert conn.execute(text("SELECT count(*) FROM parcels")).scalar_one() == 0
