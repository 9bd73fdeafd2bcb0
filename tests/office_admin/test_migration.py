"""0010: offices without REGON or NIP keep NULL there, never an empty string."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 (fixture)

OFFICE = (
    "INSERT INTO office (id, name, office_type, voivodeship, city, address, postal_code, regon,"
    " nip, contact_name, contact_email, phone, status, rejection_reason, created_at)"
    " VALUES ({id}, 'U{id}', 'municipal', 'mazowieckie', 'X', '', '', {regon}, {nip}, '', '', '',"
    " 'approved', '', '2026-01-01')"
)


def test_empty_numbers_become_null_and_stay_so(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with app.app_context():
        upgrade(revision="0003_results")
        with db.engine.begin() as conn:
            conn.execute(sa.text(OFFICE.format(id=1, regon="''", nip="NULL")))
            conn.execute(sa.text(OFFICE.format(id=2, regon="NULL", nip="''")))
            conn.execute(sa.text(OFFICE.format(id=3, regon="'123456785'", nip="'1234563218'")))
        upgrade(revision="0010_optional_office_ids")
        with db.engine.begin() as conn:
            rows = conn.execute(sa.text("SELECT id, regon, nip FROM office ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [
                (1, None, None),
                (2, None, None),
                (3, "123456785", "1234563218"),
            ]
            # Any number of offices without numbers; never an empty or short one.
            conn.execute(sa.text(OFFICE.format(id=4, regon="NULL", nip="NULL")))
        for regon, nip in (("''", "NULL"), ("NULL", "''"), ("'12345'", "NULL")):
            with db.engine.connect() as conn:
                try:
                    conn.execute(sa.text(OFFICE.format(id=9, regon=regon, nip=nip)))
                    conn.commit()
                except sa.exc.IntegrityError:
                    conn.rollback()
                else:
                    raise AssertionError(f"stored regon={regon} nip={nip}")
        db.engine.dispose()
