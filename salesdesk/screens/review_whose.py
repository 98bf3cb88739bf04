"""Whose week the weekly review's figures show, on a team server (``w`` there): the whole
team's or one rep's for a lead, only their own for a rep. The figures of a rep are read
through a database acting as that rep (``SET ROLE``), so the server's row policies pick
the rows, as for ``salesdesk review --rep``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from salesdesk.data.db import Database
from salesdesk.errors import SalesDeskError
from salesdesk.text import one_line

if TYPE_CHECKING:
    from salesdesk.data.team import Viewer
    from salesdesk.screens.base import DeskApp


class WhoseWeek:
    """The review screen's part that knows the team (a mixin of
    :class:`~salesdesk.screens.weekly_review.WeeklyReviewScreen`)."""

    sd_app: DeskApp
    #: Who is looking (None: a file, or a server database that is not a team's).
    viewer: Viewer | None
    #: Whose figures: a rep's name, or None for everything the viewer sees.
    rep: str | None
    _as_rep: dict[str, Database]

    def load_figures(self) -> None:
        raise NotImplementedError

    def init_whose(self) -> None:
        self.viewer = None
        self.rep = None
        self._as_rep = {}

    def on_unmount(self) -> None:
        for database in self._as_rep.values():
            database.close()
        self._as_rep.clear()

    def team_viewer(self) -> Viewer | None:
        """Who looks, on a team server (one query there, none on a file)."""
        db = self.sd_app.db
        if not db.is_postgres:
            return None
        from salesdesk.data.team import viewer

        try:
            return viewer(db)  # type: ignore[arg-type]
        except SalesDeskError:
            return None

    def figures_db(self) -> Database:
        """The database the figures are read from: as the chosen rep, else the app's.
        Falls back to the app's (with a message) when the rep cannot be acted as."""
        if self.rep is None:
            return self.sd_app.db
        if self.rep not in self._as_rep:
            from salesdesk.data.team import rep_database

            try:
                self._as_rep[self.rep] = rep_database(self.sd_app.db, self.rep)  # type: ignore[arg-type]
            except SalesDeskError as exc:
                self._screen().notify(one_line(exc.message), severity="error", markup=False)
                self.rep = None
                return self.sd_app.db
        return self._as_rep[self.rep]

    def whose(self) -> str:
        """`` · anna`` or `` · the team`` in the title, for a lead on a team server."""
        if self.viewer is None or not self.viewer.lead:
            return ""
        return f" · {one_line(self.rep)}" if self.rep is not None else " · the team"

    def _screen(self) -> Screen[None]:
        assert isinstance(self, Screen)
        return self

    def action_choose_rep(self) -> None:
        seen = self.viewer
        if seen is None:
            return
        if not seen.lead:
            self._screen().notify(
                f"These are your own figures ({seen.name}): only a lead may review another "
                "rep's week", markup=False)
            return
        from salesdesk.screens.rep_pick import TEAM, RepPickScreen

        def chosen(pick: str | None) -> None:
            if pick is None:
                return
            rep = None if pick == TEAM else pick
            if rep != self.rep:
                self.rep = rep
                self.load_figures()

        self._screen().app.push_screen(RepPickScreen(seen.reps, self.rep), chosen)
