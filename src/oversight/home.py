"""A home: the one object that knows where everything of one platform instance lives.

The edge (the command line, the web app, the demo) resolves a `Home` once, from `--home` or
the environment through `oversight.config`, and hands it to every stage; no stage looks
anything up on its own. Light on purpose: importing it loads no database or data library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from oversight.store.lake import Lake

DATABASE_FILE = "oversight.db"


@dataclass(frozen=True)
class Home:
    """Every path of one home, and its operational database's URL."""

    root: Path
    database_url: str

    @classmethod
    def at(cls, root: str | Path, database_url: str | None = None) -> Home:
        """The home in `root`; its database is the SQLite file there unless a URL is given."""
        path = Path(root).expanduser().resolve()
        return cls(path, database_url or f"sqlite:///{path / DATABASE_FILE}")

    @property
    def lake_dir(self) -> Path:
        """The analytic lake: lake/<dataset>/<YYYY-MM>/<ICB>.parquet and lake/_revisions/."""
        return self.root / "lake"

    @property
    def results_dir(self) -> Path:
        """Versioned results of `oversight compute` (results/CURRENT names the published one)."""
        return self.root / "results"

    @property
    def incoming_dir(self) -> Path:
        """Where submitted files wait while they are received and validated."""
        return self.root / "incoming"

    @property
    def judgements_dir(self) -> Path:
        """Judgements made over published results."""
        return self.root / "judgements"

    @property
    def feed_dir(self) -> Path:
        """The change feed's journal (oversight.publish.feed): append-only, one line an entry."""
        return self.root / "feed"

    @property
    def publish_dir(self) -> Path:
        """The publish queue's lock and state (oversight.publish.queue)."""
        return self.root / "publish"

    @property
    def reference_dir(self) -> Path:
        """Reference files a stage reads from the home (e.g. the judge's population by
        deprivation decile, imd2019_icb22_population_by_decile.csv, for peer groups)."""
        return self.root / "reference"

    @property
    def exports_dir(self) -> Path:
        """Files exported for others (open data, packs)."""
        return self.root / "exports"

    @property
    def synthetic_manifest(self) -> Path:
        """The synthetic generator's manifest: present only in a home holding demo data."""
        return self.lake_dir / "_synth" / "manifest.json"

    @property
    def database_file(self) -> Path | None:
        """The SQLite file inside this home that the database URL names, if it names one."""
        own = self.root / DATABASE_FILE
        return own if self.database_url == f"sqlite:///{own}" else None

    def lake(self) -> Lake:
        """The lake of this home."""
        from oversight.store.lake import Lake

        return Lake(self.lake_dir)

    def database(self) -> Engine:
        """The operational database of this home (migrated to head on first use)."""
        from oversight.store import database

        return database.connect(self.database_url)
