"""Redaction for sharing: stable pseudonyms, victims' details hidden, the key kept apart.

A :class:`Redaction` replaces the names, phone numbers and ids of people with
pseudonyms made by a keyed hash (HMAC-SHA256): the same input gives the same
pseudonym within one export, and across exports when the analyst passes the
same ``secret``. Without a secret a random one is drawn per export, so the
mapping file (:meth:`Redaction.write_mapping`) is the only way back; it is
written to a separate file that stays with the analyst. People whose roles
include a protected role (victim, missing, unknown-origin) keep nothing but
their pseudonym and roles.

>>> r = Redaction(secret="analyst's salt")
>>> r.pseudonym("+4915112345678", "phone") == r.pseudonym("+4915112345678", "phone")
True
>>> r.pseudonym("+4915112345678", "phone").startswith("TEL-")
True
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import html
import numbers
import re
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

from netintel.schema import NODES, PROVENANCE

__all__ = [
    "DROPPED",
    "PROTECTED_ROLES",
    "PSEUDONYMISED",
    "Redaction",
    "roles_of",
]

#: Roles whose holders keep nothing but a pseudonym and their roles (the schema's
#: ``protected`` choices of ``Person.roles``).
PROTECTED_ROLES = frozenset(NODES["Person"].prop("roles").protected)

#: Per node label: the properties replaced by pseudonyms, with the pseudonym kind (the
#: schema's ``pseudonym`` of each node key and property).
PSEUDONYMISED: dict[str, dict[str, str]] = {
    n.label: {n.key: n.pseudonym} | {p.name: p.pseudonym for p in n.props if p.pseudonym}
    for n in NODES.values()
    if n.pseudonym
}

#: Per node label: properties removed from everyone (the schema's quasi-identifiers).
DROPPED: dict[str, tuple[str, ...]] = {
    n.label: ids for n in NODES.values() if (ids := tuple(p.name for p in n.props if p.identifying))
}

#: Pseudonym kind of node ids, per label; ids of other schema labels stay as they are.
_ID_KINDS = {n.label: n.pseudonym for n in NODES.values() if n.pseudonym}
_PREFIX = {
    "person": "P",
    "name": "N",
    "nid": "NID",
    "phone": "TEL",
    "imei": "IMEI",
    "sample": "S",
    "id": "ID",
}

#: Edge properties and record fields kept (when not numbers) in redacted output.
_EDGE_KEEP = frozenset(
    {"type", "layer", "relation", "role", "at", "since", "until", "tower", "call_id", "status"}
    | set(PROVENANCE)
)
_RECORD_KEEP = frozenset(
    {"source", "source_row", "ingest_run", "at", "time", "started_at", "duration_s", "call_id"}
)
_SPACES = re.compile(r"\s+")


def roles_of(data: Mapping[str, Any]) -> set[str]:
    """The roles of a person's attributes (a list, or a ``|``/``,``-separated string).

    Parameters
    ----------
    data : mapping of str to object
        A person's attributes; its ``roles`` entry (else ``role``) is read, a string
        split at ``|``, ``,`` or ``;``.

    Returns
    -------
    set of str
        The roles, stripped and lower-cased; empty when there are none.
    """
    raw = data.get("roles", data.get("role"))
    if raw is None:
        return set()
    items: Iterable[Any] = re.split(r"[|,;]", raw) if isinstance(raw, str) else raw
    return {str(r).strip().lower() for r in items if str(r).strip()}


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real)


class Redaction:
    """Pseudonyms for one export (or several, with the same ``secret``).

    Parameters
    ----------
    secret : bytes or str, optional
        The HMAC key the analyst keeps; a random one per instance when None.
    mapping_path : path, optional
        Where :meth:`write_mapping` writes by default.
    protected_roles : iterable of str
        Roles whose holders keep only pseudonym and roles.
    """

    def __init__(
        self,
        secret: bytes | str | None = None,
        *,
        mapping_path: str | Path | None = None,
        protected_roles: Iterable[str] = PROTECTED_ROLES,
    ) -> None:
        if secret is None:
            self._key = secrets.token_bytes(32)
        elif isinstance(secret, str):
            self._key = secret.encode("utf-8")
        else:
            self._key = bytes(secret)
        if not self._key:
            raise ValueError("the redaction secret must not be empty")
        self.mapping_path = Path(mapping_path) if mapping_path is not None else None
        self.protected_roles = frozenset(r.lower() for r in protected_roles)
        self._forward: dict[tuple[str, str], str] = {}
        self._taken: dict[str, tuple[str, str]] = {}

    def __repr__(self) -> str:
        return f"Redaction({len(self._forward)} pseudonyms, mapping_path={self.mapping_path!r})"

    # ------------------------------------------------------------ pseudonyms

    def pseudonym(self, value: Any, kind: str = "id") -> str:
        """The pseudonym of ``value`` (``kind`` separates e.g. names from phone numbers)."""
        text = str(value).strip()
        if kind == "name":
            text = _SPACES.sub(" ", text).casefold()
        known = self._forward.get((kind, text))
        if known is not None:
            return known
        digest = hmac.new(self._key, f"{kind}\x1f{text}".encode(), hashlib.sha256).hexdigest()
        prefix = _PREFIX.get(kind, kind.upper())
        for length in (10, 16, 64):
            candidate = f"{prefix}-{digest[:length].upper()}"
            if candidate not in self._taken:
                break
        self._forward[(kind, text)] = candidate
        self._taken[candidate] = (kind, text)
        return candidate

    def is_protected(self, label: str | None, data: Mapping[str, Any]) -> bool:
        """True for a person whose roles include a protected role."""
        return label in (None, "Person") and bool(roles_of(data) & self.protected_roles)

    def node_id(self, node: Hashable, label: str | None) -> str:
        """The id shown for ``node``: a pseudonym for people, phones, samples and unknowns."""
        if label in NODES and label not in _ID_KINDS:
            return str(node)
        return self.pseudonym(node, _ID_KINDS.get(label or "", "id"))

    def node_data(self, label: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` with identifying properties replaced or dropped."""
        if self.is_protected(label, data):
            return {k: v for k, v in data.items() if k in ("roles", "role", *PROVENANCE)}
        if label not in NODES:
            return {k: v for k, v in data.items() if _is_number(v) or k in PROVENANCE}
        rules = PSEUDONYMISED.get(label, {})
        dropped = DROPPED.get(label, ())
        out: dict[str, Any] = {}
        for k, v in data.items():
            if k in dropped:
                continue
            if k in rules and v is not None:
                if isinstance(v, list | tuple | set | frozenset):
                    out[k] = [self.pseudonym(x, rules[k]) for x in v]
                else:
                    out[k] = self.pseudonym(v, rules[k])
            else:
                out[k] = v
        return out

    def edge_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Edge attributes: numbers and a few descriptive fields only."""
        return {k: v for k, v in data.items() if _is_number(v) or k in _EDGE_KEEP}

    def record(self, rec: Mapping[str, Any]) -> dict[str, Any]:
        """One record behind an edge, reduced to where it came from and when."""
        return {k: v for k, v in rec.items() if k in _RECORD_KEEP}

    def scrubber(self, values: Iterable[tuple[str, Any]], *, within: str) -> Callable[[str], str]:
        """A function that replaces, in a text, every identifying value by its pseudonym.

        ``values``: ``(kind, value)`` pairs (kinds as in :data:`PSEUDONYMISED`), e.g. every
        person's id, name, aliases and national id and every phone number of a case; only
        those that occur in ``within`` (the text to clean, plain or HTML-escaped) are
        looked for, longest first, and never inside a longer word or number. Values of one
        character and numeric ids (which would match counts) are left alone.

        >>> r = Redaction(secret="s")
        >>> clean = r.scrubber([("name", "李慧"), ("person", "P12")], within="李慧 (P12), P123")
        >>> name, pid = r.pseudonym("李慧", "name"), r.pseudonym("P12", "person")
        >>> clean("李慧 (P12), P123") == f"{name} ({pid}), P123"
        True
        """
        found: dict[str, str] = {}
        for kind, value in values:
            text = str(value).strip()
            if len(text) < 2 or (kind in ("person", "sample", "id") and text.isdigit()):
                continue
            for shown in {text, html.escape(text)}:
                if shown in within:
                    found[shown] = self.pseudonym(text, kind)
        if not found:
            return lambda text: text
        alternatives = "|".join(re.escape(v) for v in sorted(found, key=len, reverse=True))
        pattern = re.compile(f"(?<![0-9A-Za-z])(?:{alternatives})(?![0-9A-Za-z])")
        return lambda text: pattern.sub(lambda m: found[m.group(0)], text)

    # ---------------------------------------------------------------- mapping

    def mapping(self) -> list[tuple[str, str, str]]:
        """``(kind, original, pseudonym)`` for every pseudonym handed out, sorted."""
        return sorted((k, v, p) for (k, v), p in self._forward.items())

    def write_mapping(self, path: str | Path | None = None) -> Path:
        """Write the mapping (CSV: kind, original, pseudonym); keep it away from the export."""
        target = Path(path) if path is not None else self.mapping_path
        if target is None:
            raise ValueError("no path for the pseudonym mapping (pass path or mapping_path)")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kind", "original", "pseudonym"])
            writer.writerows(self.mapping())
        return target
