"""Import contacts from the board (key ``i``): a path, a dry-run preview, options, confirm.

The preview and the import run in a worker thread with their own database connection, so
the screen stays responsive and a 100,000-row file shows a progress bar. Nothing is
written until the user confirms a preview with ``ctrl+s``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Static,
)
from textual.worker import Worker, WorkerState

from salesdesk import keys
from salesdesk.config import expand_path
from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.data.io.importer import DUPLICATE_MODES, ImportOptions, ImportResult
from salesdesk.data.io.mapping import parse_overrides, split_import_options
from salesdesk.errors import InputError, SalesDeskError
from salesdesk.render.import_report import report_text
from salesdesk.rules.fields import plural
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import one_line
from salesdesk.widgets.fitting_footer import FittingFooter
from salesdesk.widgets.path_suggester import PathSuggester

EMPTY_TEXT = (
    "Type the path of a CSV file (Excel: Save As → CSV UTF-8; GBK files are fine too) or a "
    "vCard file (.vcf) and press enter for a preview. Nothing is written until you confirm "
    "with ctrl+s.\n\n"
    "Columns are recognised from English and Chinese headers (姓名, 公司, 手机 ...) and from "
    "Google Contacts, Outlook, HubSpot and Pipedrive exports. A file with errors imports "
    "nothing unless you tick 'Skip rows with errors'.\n\n"
    "From the shell: salesdesk import FILE --dry-run"
)


@dataclass(frozen=True)
class _Request:
    path: Path
    options: ImportOptions


class ImportScreen(SalesDeskScreen[None]):
    """Import a CSV or vCard file: preview first, then confirm."""

    BINDINGS = keys.IMPORT
    HELP_TITLE = "import"
    DEFAULT_CSS = """
    ImportScreen { padding: 0 1; }
    ImportScreen #import-title { height: 1; text-style: bold; background: $panel; padding: 0 1; }
    ImportScreen #import-path { margin: 1 0 0 0; border: tall $accent; }
    ImportScreen .import-row { height: 1; width: 1fr; }
    ImportScreen .import-row Label { width: 14; padding: 0 1; color: $text-muted; }
    ImportScreen #import-map { width: 1fr; }
    ImportScreen RadioSet { layout: horizontal; height: 1; width: auto; }
    ImportScreen RadioSet > RadioButton { width: auto; margin: 0 2 0 0; }
    ImportScreen Checkbox { height: 1; margin: 0 2 0 0; background: transparent; }
    ImportScreen Checkbox:focus, ImportScreen RadioSet:focus { border: none; }
    ImportScreen #import-message { height: auto; padding: 0 1; }
    ImportScreen #import-message.error { color: $error; }
    ImportScreen #import-progress { display: none; margin: 0 1; }
    ImportScreen #import-progress.running { display: block; }
    ImportScreen #import-report { height: 1fr; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.preview: ImportResult | None = None
        self.previewed: _Request | None = None
        self.result: ImportResult | None = None
        self._worker: Worker[ImportResult] | None = None
        self._cancel = threading.Event()
        self._leave_when_stopped = False
        self._kind = "preview"  # what the running worker does: preview or import
        self._request: _Request | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("Import contacts", id="import-title")
        yield Input(
            placeholder="path to a .csv or .vcf file, e.g. ~/Downloads/contacts.csv",
            id="import-path",
            suggester=PathSuggester(),
            select_on_focus=False,
        )
        labels = {"skip": "skip", "update": "update (file wins)", "new": "add anyway"}
        with Horizontal(classes="import-row"):
            yield Label("On duplicate")
            with RadioSet(id="import-duplicate", compact=True):
                for mode in DUPLICATE_MODES:
                    yield RadioButton(
                        labels[mode], value=mode == "skip", name=mode, id=f"import-dup-{mode}"
                    )
        with Horizontal(classes="import-row"):
            yield Label("Options")
            yield Checkbox("Skip rows with errors", id="import-skip-errors", compact=True)
            yield Checkbox("Keep extra columns in notes", id="import-keep-extra", compact=True)
        with Horizontal(classes="import-row"):
            yield Label("Columns")
            yield Input(
                placeholder="for columns not recognised, e.g. Kontakt=name, Fax=ignore",
                id="import-map",
                compact=True,
                select_on_focus=False,
            )
        yield Static("", id="import-message")
        yield ProgressBar(id="import-progress", show_eta=True)
        with VerticalScroll(id="import-report"):
            yield Static(Text(EMPTY_TEXT, style="dim"), id="import-report-text")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    # ------------------------------------------------------------------ state
    def request(self) -> _Request | None:
        """What the fields ask for now; None (and a message) if the path is empty."""
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self.say("Type the path of a CSV or vCard file first.", error=True)
            return None
        pressed = self.query_one("#import-duplicate", RadioSet).pressed_button
        mode = pressed.name if pressed is not None and pressed.name else "skip"
        typed_map = self.query_one("#import-map", Input).value
        try:  # the same COLUMN=FIELD pairs as `salesdesk import --map`, comma-separated,
            # and encoding=cp1252 / locale=eu as --encoding and --locale
            pairs, encoding, locale = split_import_options(typed_map)
            mapping = parse_overrides(pairs)
        except InputError as exc:
            self.say(exc.message.replace("--map ", "column mapping "), error=True)
            return None
        options = ImportOptions(
            on_duplicate=mode,
            skip_errors=self.query_one("#import-skip-errors", Checkbox).value,
            keep_extra=self.query_one("#import-keep-extra", Checkbox).value,
            mapping=mapping,
            encoding=encoding,
            locale=locale or store.get_setting(self.sd_app.db, "amount_locale"),
            region=store.get_setting(self.sd_app.db, "phone_region"),
        )
        try:
            path = expand_path(raw)
        except InputError as exc:
            self.say(exc.message, error=True)
            return None
        return _Request(path, options)

    def say(self, message: str, error: bool = False) -> None:
        widget = self.query_one("#import-message", Static)
        widget.update(Text(one_line(message)))
        widget.set_class(error, "error")

    def show(self, text: Text) -> None:
        self.query_one("#import-report-text", Static).update(text)

    @property
    def ready(self) -> bool:
        """Mounted, with no preview or import running."""
        return self.is_mounted and not self.busy

    @property
    def busy(self) -> bool:
        return self._worker is not None and self._worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    # ------------------------------------------------------------------ actions
    @on(Input.Submitted, "#import-path")
    @on(Input.Submitted, "#import-map")
    def _submitted(self) -> None:
        self.action_preview()

    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    def _options_changed(self) -> None:
        if self.preview is not None and not self.busy:
            self.action_preview()

    def action_preview(self) -> None:
        if self.busy:
            return
        request = self.request()
        if request is None:
            return
        self.preview = None
        self.previewed = None
        options = replace(request.options, dry_run=True)
        self.say("Reading the file…")
        self._start(_Request(request.path, options), "preview")

    def action_run_import(self) -> None:
        if self.busy:
            return
        request = self.request()
        if request is None:
            return
        if self.preview is None or self.previewed != request:
            self.action_preview()
            self.say("Preview first: check it, then press ctrl+s to import.")
            return
        if self.preview.blocked:
            self.say(
                f"{plural(self.preview.error_rows, self.preview.unit)} with errors: fix the "
                "file, or tick 'Skip rows with errors' to import the rest.",
                error=True,
            )
            return
        if not (self.preview.created or self.preview.updated):
            self.say("Nothing to import: every row is a duplicate or has errors.", error=True)
            return
        self.say("Importing…")
        self._start(request, "import")

    def action_back(self) -> None:
        if self.busy:
            self._cancel.set()
            self._leave_when_stopped = True
            self.say("Stopping: nothing will be imported…")
            return
        self.dismiss(None)

    # ------------------------------------------------------------------ the worker
    def _start(self, request: _Request, kind: str) -> None:
        self._cancel.clear()
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("running")
        now = self.sd_app.now()
        db_path = self.sd_app.db.path
        self._kind = kind
        self._request = request

        def work() -> ImportResult:
            from salesdesk.data.io.importer import run_import

            return run_import(
                db_path,
                request.path,
                now,
                request.options,
                progress=lambda done, total: self.app.call_from_thread(
                    self._progress, done, total
                ),
                cancelled=self._cancel.is_set,
            )

        self._worker = self.run_worker(
            work, thread=True, exclusive=True, exit_on_error=False, group="import"
        )

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self.query_one("#import-progress", ProgressBar).remove_class("running")
        if self._leave_when_stopped:
            if self._kind == "import":  # say on the board what became of it
                result = event.worker.result if event.state == WorkerState.SUCCESS else None
                if result is not None and result.committed:
                    self.app.notify(f"The import finished before it could stop: "
                                    f"{result.summary()} (u undoes it)", markup=False)
                else:
                    self.app.notify("Import stopped: nothing was written.", markup=False)
            self.dismiss(None)
            return
        if event.state == WorkerState.SUCCESS:
            result = event.worker.result
            assert result is not None
            if self._kind == "preview":
                self._previewed(result)
            else:
                self._imported(result)
            return
        error = event.worker.error
        if isinstance(error, SalesDeskError):
            # The command line's advice, in this screen's terms.
            message = error.message.replace("with --map COLUMN=", "in Columns, as COLUMN=")
        else:
            busy = busy_message(error) if error else None
            message = busy or f"could not read the file: {error}"
        self.say(message, error=True)
        self.show(Text(EMPTY_TEXT, style="dim"))

    def _previewed(self, result: ImportResult) -> None:
        assert self._request is not None
        self.preview = result
        self.previewed = _Request(
            self._request.path,
            replace(result.options, dry_run=False),
        )
        text = report_text(result)
        if result.blocked:
            self.say(
                f"{plural(result.error_rows, result.unit)} with errors: nothing can be imported "
                "until they are fixed, or tick 'Skip rows with errors'.",
                error=True,
            )
        elif result.created or result.updated:
            self.say(f"Preview ready: press ctrl+s to import ({result.summary()}).")
        else:
            self.say("Nothing to import: every row is a duplicate or has errors.", error=True)
        self.show(text)

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.preview = None
        self.previewed = None
        if result.batch is None:
            self.say("Nothing was imported.", error=True)
            self.show(report_text(result))
            return
        self.say(
            f"Imported: {result.summary()}. Undo: u on the board, or "
            f"salesdesk undo-import {result.batch}. esc goes back."
        )
        self.show(report_text(result))
