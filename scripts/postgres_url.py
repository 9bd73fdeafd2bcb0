"""Print the PostgreSQL URL the test suite should use, if that server answers.

Looks at DATABASE_URL (when it is a PostgreSQL URL) and otherwise at the local
server, 127.0.0.1:5432, database `test`, user `postgres`. Exit 1 when nothing
answers, so `make test` can skip the PostgreSQL run (and CI can refuse to).
"""
from __future__ import annotations

import os
import sys

import psycopg

url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql")):
    url = "postgresql://postgres@127.0.0.1:5432/test"
dsn = url.replace("postgresql+psycopg://", "postgresql://", 1).replace("postgres://", "postgresql://", 1)
try:
    with psycopg.connect(dsn, connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except Exception as exc:  # any failure means: not reachable for tests
    print(f"PostgreSQL not reachable at {dsn}: {exc}", file=sys.stderr)
    sys.exit(1)
print(dsn)
