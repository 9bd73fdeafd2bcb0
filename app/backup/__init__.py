"""Backup and restore: one archive holds the database, the uploaded and
generated files and a manifest with checksums.

The archive is a .tar.gz whose first member is `manifest.json`, then one
JSON Lines file per table (`db/<table>.jsonl`, in dependency order), then the
files of the upload folder (`files/<path>`). Rows are written engine-neutrally
(dates, decimals, enums and JSON values tagged), so an archive made on SQLite
restores into PostgreSQL and the other way round. See the README, "Backups".
"""

from app.backup.dump import write_backup
from app.backup.format import BackupError
from app.backup.restore import RestoreResult, restore_backup

__all__ = ["BackupError", "RestoreResult", "restore_backup", "write_backup"]
