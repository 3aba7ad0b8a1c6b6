"""The generator's parameters, with their defaults and how counts follow ``scale``.

>>> p = SynthParams(scale=50_000)
>>> p.target_members, p.abductions
(625, 167)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["SynthParams"]


@dataclass(frozen=True)
class SynthParams:
    """Everything that shapes a generated data set; the defaults are tuned.

    ``scale`` is the number of clean call records (rows of ``calls.csv`` before
    dirty rows are added). Everything else grows in proportion: gangs are drawn
    until they hold one member per ``calls_per_member`` calls, there is one
    abduction per ``calls_per_abduction`` calls, and persons, phones, towers,
    addresses, cases, sightings and samples follow the gangs and abductions. So
    the shape (calls per person, share of calls inside gangs, hops per chain) is
    the same from 1,000 to 10,000,000 calls.

    The defaults make the planted gangs recoverable but not trivially: Louvain
    on the person-to-person call graph of gang members (calls lifted through
    phone_users, weight = number of calls) scores NMI about 0.65-0.85 against
    the planted gangs (allied gangs tend to merge); ``mixing`` is the main knob.
    """

    #: clean call records to generate (the size of the data set)
    scale: int = 10_000
    #: seed of every random draw; same seed and parameters give byte-identical files
    seed: int = 0
    #: phone region (ISO 3166 code): numbering, time zone, and names/places (CN, else GB)
    region: str = "CN"
    #: first day of the observed period (ISO date)
    start: str = "2023-01-01"
    #: length of the observed period in days
    days: int = 365
    #: IANA time zone of the date-times; default: the region's
    timezone: str | None = None

    # --- gangs
    #: number of gangs; default: as many as hold ``scale / calls_per_member`` members
    n_gangs: int | None = None
    calls_per_member: float = 80.0
    #: gang sizes: discrete Pareto with this tail exponent, clipped to [min, max]
    gang_size_min: int = 4
    gang_size_max: int = 80
    gang_size_alpha: float = 1.6
    #: lieutenants per gang member (at least one per gang)
    lieutenant_ratio: float = 0.15
    #: brokers per gang; each broker works for 2 or 3 gangs
    broker_ratio: float = 0.25
    #: share of a gang member's calls with members of other gangs (mostly allied gangs)
    mixing: float = 0.45
    #: share of mixing calls that go to one of the gang's two allied gangs
    ally_share: float = 0.7
    #: share of in-gang calls that go up the hierarchy (member -> lieutenant -> leader)
    hierarchy: float = 0.3
    #: spread (log-normal sigma) of how much people call; higher = heavier tail
    activity_sigma: float = 1.0

    # --- other people (no gang): relatives of gang people, and bystanders who call them
    relatives_per_member: float = 0.5
    bystanders_per_member: float = 1.0

    # --- calls
    #: share of calls with or between people outside the gangs
    background: float = 0.25
    #: mean calls among the people involved around each transfer or abduction
    burst_calls: float = 5.0
    #: share of call records without a call_id (ingest derives a hash key)
    missing_call_id: float = 0.05
    #: share of phone numbers in calls and phone_users written in national form
    national_format: float = 0.2

    # --- phones
    secondary_phone_rate: float = 0.25
    sim_swap_rate: float = 0.08
    #: share of SIM swaps whose new number is in phone_users
    sim_swap_known: float = 0.5
    #: chance a gang member uses a burner around a transfer they take part in
    burner_rate: float = 0.3
    #: share of burners whose user is in phone_users
    burner_known: float = 0.3
    #: share of gang members' relatives who use the member's phone (shared phones)
    shared_phone_rate: float = 0.15

    # --- trafficking
    #: number of abductions (one victim each); default max(2, scale / calls_per_abduction)
    n_abductions: int | None = None
    calls_per_abduction: int = 300
    #: share of victims who are children (the rest are women)
    child_rate: float = 0.6
    #: share of chains that pass through a broker into another gang (when one exists)
    cross_gang_rate: float = 0.6
    #: share of child victims later found under another identity (with a DNA sample)
    found_rate: float = 0.3
    #: unknown-origin samples that get a false (lower-score) match
    false_match_rate: float = 0.25
    #: share of transfers withheld from transfers.csv (kept in ground_truth/chains.csv with
    #: ``public=false``); drawn from a stream of its own, so every other record file is
    #: byte-identical to ``hide_transfers=0``. The evidence around a withheld hand-over
    #: (call bursts, burners, sightings, case suspects and their roles) stays.
    hide_transfers: float = 0.0

    # --- noise
    #: share of suspects, buyers and victims with a duplicate person record
    duplicate_rate: float = 0.05
    #: share of extra, deliberately bad rows per file (0: a fully clean set)
    dirty_rate: float = 0.002

    def __post_init__(self) -> None:
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        for name in ("calls_per_member", "calls_per_abduction", "bystanders_per_member"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.relatives_per_member < 0 or self.burst_calls < 0 or self.activity_sigma < 0:
            raise ValueError("relatives_per_member, burst_calls and activity_sigma must be >= 0")
        if self.scale < 100:
            raise ValueError(f"scale must be at least 100 calls, got {self.scale}")
        if self.days < 7:
            raise ValueError(f"days must be at least 7, got {self.days}")
        date.fromisoformat(self.start)
        if self.gang_size_min < 4 or self.gang_size_max < self.gang_size_min:
            raise ValueError("need 4 <= gang_size_min <= gang_size_max")
        for name in (
            "mixing",
            "ally_share",
            "hierarchy",
            "background",
            "missing_call_id",
            "national_format",
            "secondary_phone_rate",
            "sim_swap_rate",
            "sim_swap_known",
            "burner_rate",
            "burner_known",
            "shared_phone_rate",
            "child_rate",
            "cross_gang_rate",
            "found_rate",
            "false_match_rate",
            "hide_transfers",
            "duplicate_rate",
            "dirty_rate",
        ):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {v}")
        if self.background > 0.6:
            raise ValueError("background must be at most 0.6")

    @property
    def target_members(self) -> int:
        """The number of gang members aimed at (at least three gangs are drawn)."""
        return max(3 * self.gang_size_min, round(self.scale / self.calls_per_member))

    @property
    def abductions(self) -> int:
        """The number of abductions (victims) used."""
        if self.n_abductions is not None:
            return max(1, self.n_abductions)
        return max(2, round(self.scale / self.calls_per_abduction))

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))
