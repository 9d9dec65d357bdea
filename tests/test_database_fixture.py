"""The ``database_url`` fixture gives a fresh, working, empty database on each backend."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text


def test_database_is_fresh_and_writable(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, label VARCHAR(40) NOT NULL)"))
            conn.execute(text("INSERT INTO probe (id, label) VALUES (1, 'quote-part'), (2, 'appel à fonds')"))
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, label FROM probe ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, "quote-part"), (2, "appel à fonds")]
        expected_dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        assert engine.dialect.name == expected_dialect
    finally:
        engine.dispose()
