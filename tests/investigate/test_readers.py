"""The one naming convention of netintel.investigate.readers, and its forwarding of options."""

from __future__ import annotations

import inspect

import netintel.investigate as inv
from netintel.algorithms import gangs_over_time
from netintel.investigate import readers

#: readers that are not named after a pure function or a frame: plumbing and writers
PLUMBING = {"fetch_frame", "write_rows", "case_timezone", "in_case_zone"}
WRITERS = {"write_candidates", "set_alias_status"}
#: frames the pure functions take (``<frame>_of``)
FRAMES = {"calls", "phones", "transfers", "handover_frames", "neighbourhood_edges", "alias_links"}
#: parameters a reader shares with its pure function by design: the subject it reads,
#: ``tz`` (the case's zone by default) and two defaults of the readers' own
OWN = {
    "contact_profile_of": {"top", "tz"},
    "common_contacts_of": {"a", "b"},
    "contact_hops_of": {"seeds"},
    "call_chains_of": {"source", "target", "tz"},
    "call_burst_of": {"at"},
    "k_shortest_paths_of": {"source", "target", "max_hops", "tz"},
    "colocation_network_of": {"result", "tz"},
}


def _pure(reader: str) -> object | None:
    stem = reader.removesuffix("_of")
    return gangs_over_time if stem == "gangs_over_time" else getattr(inv, stem, None)


def test_every_reader_is_named_after_its_pure_function_or_frame() -> None:
    odd = []
    for name in readers.__all__:
        if name in PLUMBING | WRITERS:
            continue
        stem = name.removesuffix("_of")
        if stem == name or (stem not in FRAMES and not callable(_pure(name))):
            odd.append(name)
    assert odd == []


def test_readers_do_not_redeclare_the_pure_functions_parameters() -> None:
    redeclared = {}
    for name in readers.__all__:
        pure = _pure(name)
        if not name.endswith("_of") or name.removesuffix("_of") in FRAMES or not callable(pure):
            continue
        mine = set(inspect.signature(getattr(readers, name)).parameters)
        theirs = set(inspect.signature(pure).parameters)
        extra = (mine & theirs) - OWN.get(name, {"tz"})
        if extra:
            redeclared[name] = sorted(extra)
    assert redeclared == {}


def test_readers_are_the_package_readers() -> None:
    # the package exports the readers themselves, not copies of older names
    for name in set(readers.__all__) - {"fetch_frame", "write_rows", "in_case_zone"}:
        assert getattr(inv, name) is getattr(readers, name)
    for old in ("find_burners", "fetch_calls", "paths_between", "colocated_people", "Path"):
        assert not hasattr(inv, old)
