"""Validated, idempotent ingest of investigation records into Neo4j."""

from netintel.ingest.mapping import FileMapping, IngestMapping, load_mapping
from netintel.ingest.prepare import Options, Prepared, Reject, prepare
from netintel.ingest.read import RawFile, read_file
from netintel.ingest.run import FileReport, IngestReport, Skipped, check, ingest
from netintel.ingest.undo import UndoReport, undo_run

__all__ = [
    "FileMapping",
    "FileReport",
    "IngestMapping",
    "IngestReport",
    "Options",
    "Prepared",
    "RawFile",
    "Reject",
    "Skipped",
    "UndoReport",
    "check",
    "ingest",
    "load_mapping",
    "prepare",
    "read_file",
    "undo_run",
]
