"""The audit log: who ran what through netintel, when, on how many records, with what result.

Each case keeps an append-only log ``audit.jsonl`` in its state folder
(:func:`netintel.server.case_dir`: ``$NETINTEL_HOME``, else ``$XDG_STATE_HOME/netintel``,
else ``~/.local/state/netintel``, and ``<that>/cases/<case>`` for a named case). With
``NEO4J_URI`` set (no case), the log lives in that default state folder. One JSON object
a line; every line carries the hash of the line before it (``prev``) and its own
(``hash``, SHA-256 of the line's canonical JSON without ``hash``): a hash chain, so an
edited, removed, reordered or cut line is found by :func:`verify`. Removing the newest
lines leaves a valid chain; :func:`verify` with ``driver=`` compares the log's tail with
the newest ``(:AuditEvent)`` node of the database to find that too.

Personal values (names, phone numbers, ids, free text) are recorded as HMAC-SHA256 under a
secret key of the log (``audit.key`` beside it, readable by its owner only): the same value
gives the same hash within a log, and the log alone cannot be reversed by trying names.
Parameters whose name says password, secret or token are never recorded.

>>> import tempfile, pathlib
>>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
>>> with audited("demo.count", {"person": "Ann Smith", "top": 3},
...              personal=("person",), log=log) as event:
...     event.count = 12
>>> [e["what"] for e in read_events(log)], verify(log).ok
(['demo.count'], True)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import getpass
import hashlib
import hmac
import json
import os
import secrets
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netintel import __version__
from netintel.exceptions import AuditError

if TYPE_CHECKING:
    import neo4j

__all__ = [
    "LOG_NAME",
    "AuditRecord",
    "Verdict",
    "audited",
    "filter_events",
    "hash_value",
    "log_path",
    "read_events",
    "record",
    "verify",
    "write_node",
    "write_node_or_warn",
]

LOG_NAME = "audit.jsonl"
"""The file name of a case's audit log in its state folder."""
_KEY_NAME = "audit.key"
_GENESIS = "0" * 64
#: parameter names never recorded, not even hashed
_SECRET_WORDS = ("password", "passwd", "secret", "token", "credential")


def log_path(case: str | None = None) -> Path:
    """The audit log of ``case`` (default the current case): ``<case_dir>/audit.jsonl``.

    Parameters
    ----------
    case : str or None, default None
        The case's name; None means ``$NETINTEL_CASE``, else ``default``.

    Returns
    -------
    pathlib.Path
        The log file (it may not exist yet).

    Examples
    --------
    >>> log_path().name
    'audit.jsonl'
    """
    from netintel import server

    return server.case_dir(case) / LOG_NAME


def _key(log: Path) -> bytes:
    """The log's secret HMAC key, created (mode 0600) on first use: written whole to a
    temporary file, then linked into place, so another process never reads half a key."""
    path = log.parent / _KEY_NAME
    if path.is_file():
        return path.read_bytes().strip()
    log.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{_KEY_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_hex(32).encode())
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(tmp, path)  # fails if another process linked its key first: use that one
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes().strip()


def hash_value(value: Any, log: Path) -> str:
    """``value`` as the log ``log`` records a personal value: ``hmac:`` and HMAC-SHA256 hex.

    Parameters
    ----------
    value : object
        A personal value; a list or tuple is hashed item by item.
    log : pathlib.Path
        The audit log whose key is used.

    Returns
    -------
    str
        ``"hmac:<64 hex digits>"``; the same value gives the same string within one log.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> hash_value("Ann", log) == hash_value("Ann", log) != hash_value("Bob", log)
    True
    """
    digest = hmac.new(_key(log), str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac:{digest}"


def _secret(name: str) -> bool:
    return any(word in name.lower() for word in _SECRET_WORDS)


def _recorded(params: Mapping[str, Any], personal: Iterable[str], log: Path) -> dict[str, Any]:
    """The parameters as recorded: secrets left out, personal values hashed, the rest as
    JSON can say them (paths and other objects as text)."""
    hashed = set(personal)
    out: dict[str, Any] = {}
    for name, value in params.items():
        if _secret(name):
            continue
        if value is None or value == () or value == []:
            out[name] = None if value is None else []
        elif name in hashed:
            items = value if isinstance(value, list | tuple) else None
            out[name] = (
                [hash_value(v, log) for v in items] if items is not None else hash_value(value, log)
            )
        elif isinstance(value, bool | int | float | str):
            out[name] = value
        elif isinstance(value, list | tuple):
            out[name] = [v if isinstance(v, bool | int | float) else str(v) for v in value]
        else:
            out[name] = str(value)
    return out


def _canonical(event: Mapping[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(event: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical({k: v for k, v in event.items() if k != "hash"})).hexdigest()


def _last_line(fd: int) -> bytes | None:
    """The last complete line of the open file ``fd`` (None: the file is empty)."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    chunk, pos, tail = 4096, size, b""
    while pos > 0:
        step = min(chunk, pos)
        pos -= step
        tail = os.pread(fd, step, pos) + tail
        lines = tail.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or pos == 0:
            return lines[-1]
    return None


@dataclasses.dataclass
class AuditRecord:
    """What a caller of :func:`audited` says about its work while it runs.

    Attributes
    ----------
    count : int or None
        How many records the work read, wrote or returned (None: not known).
    error : str or None
        The error's class name, when the caller knows it better than the exception that
        ends the block (the CLI turns errors into an exit).
    event : dict or None
        The event as written to the log, once the work has ended.
    """

    count: int | None = None
    error: str | None = None
    event: dict[str, Any] | None = None


def record(
    what: str,
    params: Mapping[str, Any] | None = None,
    *,
    personal: Iterable[str] = (),
    count: int | None = None,
    status: str = "ok",
    error: str | None = None,
    exit_code: int | None = None,
    duration: float = 0.0,
    log: Path | None = None,
) -> dict[str, Any]:
    """Append one event to the audit log, under a file lock, and return it.

    Parameters
    ----------
    what : str
        The command (``"netintel ingest"``) or API function (``"netintel.export"``).
    params : mapping or None
        Its parameters; those named in ``personal`` are hashed (:func:`hash_value`),
        passwords, secrets and tokens left out.
    personal : iterable of str
        The names of the personal parameters.
    count : int or None
        How many records it handled.
    status : str
        ``"ok"`` or ``"error"``.
    error : str or None
        The error's class name.
    exit_code : int or None
        The command's exit code.
    duration : float
        Seconds it took.
    log : pathlib.Path or None
        The log (default :func:`log_path`).

    Returns
    -------
    dict
        The event: ``seq``, ``time`` (UTC), ``local_time`` (with its offset), ``user``,
        ``host``, ``version``, ``what``, ``params``, ``count``, ``status``, ``error``,
        ``exit_code``, ``duration``, ``prev`` and ``hash``.

    Raises
    ------
    AuditError
        When the log cannot be written, or its last line is not an event.
    """
    log = log if log is not None else log_path()
    now = dt.datetime.now(dt.UTC)
    event: dict[str, Any] = {
        "time": now.isoformat(timespec="microseconds"),
        "local_time": now.astimezone().isoformat(timespec="seconds"),
        "user": getpass.getuser(),
        "host": socket.gethostname(),
        "version": __version__,
        "what": what,
        "params": _recorded(params or {}, personal, log),
        "count": count,
        "status": status,
        "error": error,
        "exit_code": exit_code,
        "duration": round(duration, 3),
    }
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(log, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as err:
        raise AuditError(f"cannot open the audit log {log}: {err.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        if last is None:
            seq, prev = 1, _GENESIS
        else:
            try:
                before = json.loads(last)
                seq, prev = int(before["seq"]) + 1, str(before["hash"])
            except (ValueError, KeyError, TypeError):
                raise AuditError(
                    f"the last line of the audit log {log} is not an event; "
                    "check it with `netintel audit --verify`"
                ) from None
        event = {"seq": seq, **event, "prev": prev}
        event["hash"] = _digest(event)
        os.write(fd, _canonical(event) + b"\n")
        os.fsync(fd)
    except OSError as err:
        raise AuditError(f"cannot write the audit log {log}: {err.strerror}") from None
    finally:
        os.close(fd)  # closing releases the lock
    return event


def write_node(
    driver: neo4j.Driver, event: Mapping[str, Any], *, database: str | None = None
) -> None:
    """Write ``event`` (as :func:`record` returns it) as an ``(:AuditEvent)`` node.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (not a read-only one: it refuses the write).
    event : mapping
        An event of the log; its ``params`` are stored as JSON text (``params_json``).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    None
    """
    from netintel.db import run_query

    node = {k: v for k, v in event.items() if k != "params"}
    node["params_json"] = json.dumps(event.get("params", {}), sort_keys=True)
    run_query(driver, "audit_event_write", database=database, write=True, event=node)


@contextlib.contextmanager
def audited(
    what: str,
    params: Mapping[str, Any] | None = None,
    *,
    personal: Iterable[str] = (),
    log: Path | None = None,
    driver: neo4j.Driver | None = None,
    database: str | None = None,
) -> Iterator[AuditRecord]:
    """Record the work in the ``with`` block as one audit event, whether it ends or fails.

    Parameters
    ----------
    what : str
        The command or function name.
    params : mapping or None
        Its parameters (see :func:`record`).
    personal : iterable of str
        The names of the personal parameters, hashed in the log.
    log : pathlib.Path or None
        The log (default :func:`log_path`).
    driver : neo4j.Driver or None
        When given (and not read-only), the event is also written as an ``(:AuditEvent)``
        node; a failure to write it is said on stderr, the log line is kept.
    database : str or None
        The database of ``driver``.

    Returns
    -------
    contextlib.AbstractContextManager of AuditRecord
        Set ``.count`` on it inside the block; ``.event`` is the event after it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> with audited("netintel.export", {"out": "net.graphml"}, log=log) as rec:
    ...     rec.count = 40
    >>> rec.event["count"], rec.event["status"]
    (40, 'ok')
    """
    rec = AuditRecord()
    start = time.monotonic()
    status, error, code = "ok", None, None
    try:
        yield rec
    except SystemExit as err:
        code = err.code if isinstance(err.code, int) else (0 if err.code is None else 1)
        if code:
            status, error = "error", rec.error or "SystemExit"
        raise
    except BaseException as err:
        code = getattr(err, "exit_code", None)  # click's usage errors carry theirs
        code = code if isinstance(code, int) else None
        if code != 0:
            status, error = "error", rec.error or type(err).__name__
        raise
    finally:
        rec.event = record(
            what,
            params,
            personal=personal,
            count=rec.count,
            status=status,
            error=error,
            exit_code=code,
            duration=time.monotonic() - start,
            log=log,
        )
        if driver is not None and not getattr(driver, "read_only", False):
            write_node_or_warn(lambda: contextlib.nullcontext(driver), rec.event, database, log)


def write_node_or_warn(
    opened: Callable[[], contextlib.AbstractContextManager[neo4j.Driver]],
    event: Mapping[str, Any],
    database: str | None = None,
    log: Path | None = None,
) -> None:
    """:func:`write_node` through the driver ``opened()`` gives; a failure, opening the
    driver included, is said on stderr (the event stays in the log ``log``).

    Parameters
    ----------
    opened : callable
        Returns a context manager of the driver to write with.
    event : mapping
        An event of the log.
    database : str or None
        The database (None: the server's default).
    log : pathlib.Path or None
        The log the event is in (default :func:`log_path`), for the warning.

    Returns
    -------
    None
    """
    try:
        with opened() as drv:
            write_node(drv, event, database=database)
    except Exception as err:
        print(
            f"netintel: warning: audit event {event['seq']} is in {log or log_path()} but "
            f"not written to the database ({type(err).__name__}: {err})",
            file=sys.stderr,
        )


def read_events(log: Path | None = None) -> list[dict[str, Any]]:
    """The events of a log, oldest first (lines that are not events are skipped).

    Parameters
    ----------
    log : pathlib.Path or None
        The log (default :func:`log_path`); a missing log has no events.

    Returns
    -------
    list of dict
        The events as :func:`record` wrote them.
    """
    log = log if log is not None else log_path()
    if not log.is_file():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            out.append(event)
    return out


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found.

    Attributes
    ----------
    ok : bool
        The chain is intact (and matches the database's tail when one was given).
    events : int
        The lines read.
    line : int or None
        The first broken line (1-based), None when intact.
    reason : str
        Why that line is broken ("" when intact).
    """

    ok: bool
    events: int
    line: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.events} event(s), hash chain verified"
        return f"audit log broken at line {self.line}: {self.reason}"


def verify(
    log: Path | None = None, *, driver: neo4j.Driver | None = None, database: str | None = None
) -> Verdict:
    """Walk the hash chain of a log and say the first broken line.

    An edited line no longer hashes to its ``hash``; a removed or moved line breaks the
    ``prev`` link (or the ``seq`` count) of the line after it; a cut last line is not JSON.
    Removing the newest lines leaves a valid chain: with ``driver``, the newest
    ``(:AuditEvent)`` of the database must be in the log with the same hash.

    Parameters
    ----------
    log : pathlib.Path or None
        The log (default :func:`log_path`).
    driver : neo4j.Driver or None
        The database whose AuditEvent nodes the log's tail is compared with.
    database : str or None
        The database of ``driver``.

    Returns
    -------
    Verdict
        ``ok``, the number of lines read, and the first broken line with the reason.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> _ = record("a", log=log), record("b", log=log)
    >>> lines = log.read_text().splitlines()
    >>> _ = log.write_text(lines[1] + "\\n")
    >>> str(verify(log))
    'audit log broken at line 1: seq 2 where seq 1 was due (a line is missing or moved)'
    """
    log = log if log is not None else log_path()
    if not log.exists():
        return Verdict(ok=True, events=0)
    data = log.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    prev, seq, count = _GENESIS, 0, 0
    last: dict[str, Any] | None = None
    hashes: dict[int, str] = {}  # seq -> hash of the lines read
    for number, raw in enumerate(lines, start=1):
        count = number
        try:
            event = json.loads(raw)
            if not isinstance(event, dict):
                raise ValueError
        except ValueError:
            return Verdict(False, number, number, "not a JSON event (an edited or cut line)")
        if number == len(lines) and not data.endswith(b"\n"):
            return Verdict(False, number, number, "the line is not ended (a cut tail)")
        if event.get("seq") != seq + 1:
            return Verdict(
                False,
                number,
                number,
                f"seq {event.get('seq')} where seq {seq + 1} was due (a line is missing or moved)",
            )
        if event.get("hash") != _digest(event):
            return Verdict(False, number, number, "its hash does not match its content (edited)")
        if event.get("prev") != prev:
            return Verdict(False, number, number, "its prev hash is not the line before's")
        prev, seq, last = event["hash"], event["seq"], event
        hashes[seq] = prev
    if driver is not None:
        from netintel.db import run_query

        rows = run_query(driver, "audit_event_tail", database=database)
        if rows and rows[0]["seq"] is not None:
            tail_seq, tail_hash = int(rows[0]["seq"]), rows[0]["hash"]
            if tail_seq > seq:
                return Verdict(
                    False,
                    count,
                    count + 1,
                    f"the log ends at seq {seq} but the database holds event {tail_seq}: "
                    "its last line(s) were removed",
                )
            if last is not None and hashes.get(tail_seq, last["hash"]) != tail_hash:
                return Verdict(
                    False, count, tail_seq, "its hash differs from the database's AuditEvent"
                )
    return Verdict(ok=True, events=count)


def _moment(value: str, *, end: bool) -> dt.datetime:
    """A ``--since``/``--until`` value as an aware time: a date is its day's start (or,
    for ``end``, the next day's start); no zone means this machine's local time."""
    try:
        if "T" in value or " " in value:
            moment = dt.datetime.fromisoformat(value)
        else:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time())
    except ValueError:
        raise AuditError(
            f"{value!r} is not an ISO 8601 date or date-time (e.g. 2026-01-31 or "
            "2026-01-31T08:00+08:00)"
        ) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def filter_events(
    events: Iterable[Mapping[str, Any]],
    *,
    since: str | None = None,
    until: str | None = None,
    user: str | None = None,
    command: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The events that match every filter given.

    Parameters
    ----------
    events : iterable of mapping
        Events as :func:`read_events` returns them.
    since, until : str or None
        ISO dates or date-times (without a zone: this machine's local time); ``since`` is
        inclusive, ``until`` exclusive for a date-time and includes the whole day for a date.
    user : str or None
        The OS user.
    command : str or None
        The command or function: ``ingest`` matches ``netintel ingest`` (a name with or
        without the leading ``netintel``); a prefix of words matches (``db`` matches
        ``netintel db start``).
    status : str or None
        ``ok`` or ``error``.

    Returns
    -------
    list of dict
        The matching events, in log order.

    Raises
    ------
    AuditError
        When ``since`` or ``until`` is not a date or date-time.

    Examples
    --------
    >>> events = [{"time": "2026-01-02T10:00:00+00:00", "what": "netintel db start",
    ...            "user": "ann", "status": "ok"}]
    >>> len(filter_events(events, command="db", since="2026-01-01T00:00+00:00"))
    1
    """
    start = _moment(since, end=False) if since else None
    stop = _moment(until, end=True) if until else None
    words = command.split() if command else []
    if words and words[0] != "netintel" and "." not in words[0]:
        words = ["netintel", *words]
    out = []
    for event in events:
        when = dt.datetime.fromisoformat(str(event.get("time")))
        what = str(event.get("what", "")).split()
        if (
            (start is None or when >= start)
            and (stop is None or when < stop)
            and (user is None or event.get("user") == user)
            and (status is None or event.get("status") == status)
            and (not words or what[: len(words)] == words)
        ):
            out.append(dict(event))
    return out
