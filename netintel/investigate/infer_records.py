"""The frames of :func:`~netintel.investigate.infer.infer_handovers`, from record files or Neo4j.

* :func:`handover_frames` reads a folder of record files in the ingest layout (what
  ``netintel synth`` and ``netintel contest make`` write): ``transfers.csv``,
  ``calls.csv`` lifted to people through ``phone_users.csv``, ``sightings.csv``,
  ``case_suspects.csv`` and ``case_victims.csv`` (victims get the role ``victim``),
  ``cases.csv`` (when each was opened) and ``persons.csv``. Each row keeps its file and
  row (``source_row`` as the ingest numbers it: header = 1, first data row = 2). Rows
  whose time or key does not parse are left out (the ingest rejects them too). Phone
  numbers are normalised with the region of the folder's ``mapping.yaml``, if any.
* :func:`~netintel.investigate.readers.handover_frames_of` reads the same frames from
  Neo4j (named Cypher).
* :func:`infer_from_frames` runs the inference over those frames
  (:func:`~netintel.investigate.readers.infer_handovers_of`: on a database).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from netintel.investigate.infer import InferredHandovers, infer_handovers, lift_calls
from netintel.phones import normalise_phone

__all__ = ["handover_frames", "infer_from_frames"]


def _read(folder: Path, name: str, cols: list[str]) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.exists():
        return pd.DataFrame(columns=[*cols, "source", "source_row"])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: lacks column(s) {', '.join(missing)}")
    frame = frame[cols].copy()
    frame["source"] = path.name
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def _timed(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    at = pd.to_datetime(frame[col], utc=True, format="ISO8601", errors="coerce")
    return frame.assign(at=at)[at.notna()].reset_index(drop=True)


def handover_frames(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The keyword frames of :func:`~netintel.investigate.infer_handovers` from a folder
    of record files: ``{"transfers", "calls", "sightings", "case_roles", "persons"}``.

    Parameters
    ----------
    folder : str or Path
        A folder of record files (module doc).

    Returns
    -------
    dict of str to DataFrame
        ``transfers, calls, sightings, case_roles, persons, cases``.

    Examples
    --------
    >>> import tempfile
    >>> from netintel.synth import generate
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = generate(tmp, scale=1_000, seed=1, hide_transfers=0.5)
    ...     frames = handover_frames(tmp)
    >>> sorted(frames)
    ['calls', 'case_roles', 'cases', 'persons', 'sightings', 'transfers']
    >>> frames["calls"].columns.tolist()[:3]
    ['person_a', 'person_b', 'at']
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder")
    region = None
    mapping = root / "mapping.yaml"
    if mapping.exists():
        region = (yaml.safe_load(mapping.read_text(encoding="utf-8")) or {}).get("phone_region")
    cache: dict[str, str] = {}

    def phone(text: Any) -> str:
        s = str(text)
        if s not in cache:
            cache[s] = normalise_phone(s, region)
        return cache[s]

    tr = _timed(
        _read(
            root,
            "transfers",
            ["transfer_id", "at", "victim_id", "from_id", "to_id", "location_id", "case_id"],
        ).rename(columns={"at": "at_text"}),
        "at_text",
    ).drop(columns="at_text")
    tr = tr[tr["transfer_id"].notna() & tr["from_id"].notna() & tr["to_id"].notna()]
    tr = tr.drop_duplicates("transfer_id")
    calls = _timed(
        _read(root, "calls", ["call_id", "caller", "callee", "started_at"]), "started_at"
    )
    calls = calls[calls["caller"].notna() & calls["callee"].notna()]
    calls["caller"] = calls["caller"].map(phone)
    calls["callee"] = calls["callee"].map(phone)
    uses = _read(root, "phone_users", ["person_id", "number"]).dropna()
    uses["number"] = uses["number"].map(phone)
    sightings = _timed(_read(root, "sightings", ["person_id", "location_id", "at"]), "at")
    sightings = sightings.dropna(subset=["person_id", "location_id"])
    suspects = _read(root, "case_suspects", ["person_id", "case_id", "role"]).dropna(
        subset=["person_id", "case_id"]
    )
    victims = _read(root, "case_victims", ["person_id", "case_id"]).dropna().assign(role="victim")
    roles = pd.concat([suspects.fillna({"role": "suspect"}), victims], ignore_index=True)
    persons = _read(root, "persons", ["person_id", "name"]).dropna(subset=["person_id"])
    persons = persons.drop_duplicates("person_id")
    cases = _read(root, "cases", ["case_id", "opened"]).dropna()
    return {
        "transfers": tr.reset_index(drop=True),
        "calls": lift_calls(calls, uses),
        "sightings": sightings,
        "case_roles": roles[["person_id", "case_id", "role", "source", "source_row"]],
        "persons": persons,
        "cases": cases,
    }


def infer_from_frames(frames: Mapping[str, pd.DataFrame], **params: Any) -> InferredHandovers:
    """:func:`~netintel.investigate.infer_handovers` over the frames that
    :func:`handover_frames` or
    :func:`~netintel.investigate.readers.handover_frames_of` return; ``params`` as for it.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        ``transfers, calls, sightings, case_roles, persons, cases``.
    **params
        The other parameters of :func:`~netintel.investigate.infer_handovers`.

    Returns
    -------
    InferredHandovers
        As :func:`~netintel.investigate.infer_handovers` returns it.
    """
    return infer_handovers(
        frames["transfers"],
        calls=frames["calls"],
        sightings=frames["sightings"],
        case_roles=frames["case_roles"],
        persons=frames["persons"],
        cases=frames["cases"],
        **params,
    )
