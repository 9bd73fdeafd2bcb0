"""Browser tests: Playwright driving the system Chromium (Debian's `chromium`).

Playwright cannot download its own browser here, so the launch points at
/usr/bin/chromium (override with LAUREL_CHROMIUM). The app under test runs in a
thread on a free 127.0.0.1 port, with CSRF switched on as in production, on
the same database as the `db` fixture: tests build data with `make` and commit.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app

CHROMIUM = os.environ.get("LAUREL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pl-PL", "timezone_id": "Europe/Warsaw"}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live_app(app):
    """A second app on the same database, configured like production (CSRF on)."""
    live = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.instance_path,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "browser-secret",
            "UPLOAD_DIR": app.config["UPLOAD_DIR"],
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "",
        }
    )
    live.extensions["laurel_outbox"] = []
    return live


@pytest.fixture(scope="session")
def _live_server(live_app):
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture
def live_server(_live_server, db):
    """The running app; tables are emptied before each test by `db`."""
    _live_server.app.extensions["laurel_outbox"] = []
    return _live_server


@pytest.fixture
def live_outbox(live_server):
    return live_server.app.extensions["laurel_outbox"]
