"""The one exception tree of netintel.

Every error the package raises on purpose derives from :class:`NetintelError`.
Driver errors are translated into messages only at the CLI boundary.
"""

from __future__ import annotations

__all__ = [
    "AuditError",
    "BatchError",
    "BulkRefusedError",
    "CaseError",
    "ClearRefusedError",
    "ConfigError",
    "ConfigFileError",
    "ContestError",
    "DatabaseError",
    "IngestError",
    "IngestLockedError",
    "IngestWriteError",
    "InputFileError",
    "InputTimeoutError",
    "MappingError",
    "NetintelError",
    "SchemaError",
    "ServerError",
    "SharedDataError",
    "SubmissionError",
    "UndoRefusedError",
    "UndoUnfinishedError",
    "UnknownIdError",
]


class NetintelError(Exception):
    """Base class of every netintel error."""


class ConfigError(NetintelError):
    """Connection or configuration settings are missing or inconsistent."""


class ConfigFileError(ConfigError):
    """A config file cannot be read or holds an unknown or unsafe setting."""


class CaseError(ConfigError):
    """A case name is not valid, or a case was named while ``NEO4J_URI`` picks the server."""


class ServerError(NetintelError):
    """The local Neo4j server could not be prepared, started or stopped."""


class DatabaseError(NetintelError):
    """A database operation failed in a way netintel can explain."""


class ReadOnlyError(DatabaseError):
    """A write refused because netintel runs read-only (``--read-only``,
    ``NETINTEL_READ_ONLY=1`` or ``read_only = true`` in the config file's ``[neo4j]``);
    ``what`` says what was refused."""

    def __init__(self, what: str = "the database refused a write") -> None:
        super().__init__(
            "read-only mode (--read-only, NETINTEL_READ_ONLY or read_only in the config "
            f"file): {what}; nothing was written"
        )


class ClearRefusedError(DatabaseError):
    """Clearing a graph that holds ingest runs was asked for without ``force``.

    ``run_ids`` are the ingest runs the graph holds (newest first).
    """

    def __init__(self, message: str, run_ids: list[str]) -> None:
        self.run_ids = run_ids
        super().__init__(message)


class SchemaError(NetintelError):
    """The domain schema was used with an unknown label, type or field."""


class SharedDataError(NetintelError, FileNotFoundError):
    """A published data set (``../shared/data``) or one of its files is missing."""


class UnknownIdError(NetintelError, LookupError):
    """An id given by the user (a person, a phone) is not in the graph.

    ``id`` is the id, ``suggestions`` the closest ids that are (maybe none).
    """

    def __init__(self, what: str, id: str, suggestions: tuple[str, ...] = ()) -> None:
        self.id = id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no {what} with id {id}{hint}")


class IngestError(NetintelError):
    """An ingest could not run."""


class IngestWriteError(IngestError):
    """The database refused a write of an input file part-way through it.

    What the ingest run had written from that file is deleted again and the run is marked
    ``failed``; ``source`` names the file, ``reason`` is the database's (its code and
    message), ``run_id`` the ingest run.
    """

    def __init__(self, source: str, reason: str, run_id: str, message: str) -> None:
        self.source = source
        self.reason = reason
        self.run_id = run_id
        super().__init__(message)


class IngestLockedError(IngestError):
    """Another ingest into the same database held the ingest lock past the timeout.

    ``holder`` describes the holder (its run id, pid, host and since when); nothing of
    this ingest was written.
    """

    def __init__(self, holder: str, message: str) -> None:
        self.holder = holder
        super().__init__(message)


class UndoRefusedError(IngestError):
    """Undoing an ingest run was refused; nothing was undone.

    ``run_id`` is the run, and the message says why: it is unknown, undone already, a
    later ingest run wrote what it wrote (named, to undo first), it was loaded without
    what an undo needs, or an ingest holds the database.
    """

    def __init__(self, run_id: str, message: str) -> None:
        self.run_id = run_id
        super().__init__(message)


class UndoUnfinishedError(IngestError):
    """The undo of an ingest run was interrupted and not finished: until it is (by running
    it again), no ingest and no undo of another run starts; nothing was written.

    ``run_id`` is the run being undone.
    """

    def __init__(self, run_id: str, message: str) -> None:
        self.run_id = run_id
        super().__init__(message)


class BulkRefusedError(IngestError):
    """A bulk load was refused: the database holds data, or is not a local case's."""


class MappingError(IngestError):
    """A mapping file is malformed or names unknown columns or fields."""


class InputFileError(IngestError):
    """A whole input file cannot be read (empty, undecodable, missing a required column).

    Nothing of such a file is loaded. ``path``, ``row``, ``column`` and ``reason``
    say what is wrong, and ``str(err)`` says it in one line.
    """

    def __init__(
        self, path: str, reason: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.path = path
        self.reason = reason
        self.row = row
        self.column = column
        where = path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


class InputTimeoutError(InputFileError):
    """Reading and checking an input file took longer than its time bound (``file_timeout``).

    An :class:`InputFileError`: nothing of the file is loaded. ``row`` is how far the
    reading got, ``column`` the column whose values were being checked (None for either
    when it does not apply), ``seconds`` the bound.
    """

    def __init__(
        self,
        path: str,
        seconds: float,
        *,
        row: int | None = None,
        column: str | None = None,
        doing: str = "reading it",
    ) -> None:
        self.seconds = seconds
        super().__init__(
            path,
            f"reading and checking the file took longer than its time bound of {seconds:g} s "
            f"(stopped while {doing}); nothing of it is loaded (raise the bound with "
            "file_timeout: in the mapping or --file-timeout SECONDS; 0 = no bound)",
            row=row,
            column=column,
        )


class AuditError(NetintelError):
    """The audit log cannot be read or written, or a filter of it is not valid."""


class BatchError(NetintelError):
    """A batch run file (``netintel detect``) or a batch folder is malformed.

    The message names the file (or the options), the bad key and the reason.
    """


class ContestError(NetintelError):
    """A challenge or truth folder is missing, incomplete or inconsistent."""


class SubmissionError(ContestError):
    """A contest submission cannot be read at all (no such folder, a broken zip file).

    Problems inside its files never raise: they reject that file and are listed in
    the submission's issues.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
