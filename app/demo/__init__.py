"""The demo: the "Przyjazny Urząd" quality mark, ready to click through.

`seed_demo()` (called by `flask seed-demo` and `make run`) is idempotent.
"""

from app.demo.data import DEMO_PASSWORD, EDITION_SLUG, JURORS, OFFICE_ACCOUNTS, ORGANIZER
from app.demo.seed import seed_demo

__all__ = ["DEMO_PASSWORD", "EDITION_SLUG", "JURORS", "OFFICE_ACCOUNTS", "ORGANIZER", "seed_demo"]
