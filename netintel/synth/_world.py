"""The planted world: places, gangs, people, phones, chains, calls, cases, DNA.

Everything is held as numpy arrays indexed by integer ids (person index, phone
index, ...); :mod:`netintel.synth._tables` turns them into the CSV tables.
Times are UTC epoch seconds, days are days since 1970-01-01.
Each part draws from its own named random stream, so changing one part leaves
the draws of the others as they were.
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from netintel.synth._locale import Locale, PhonePlan, locale_for, phone_plan
from netintel.synth.params import SynthParams

IntA = NDArray[np.int64]
FltA = NDArray[np.float64]
BoolA = NDArray[np.bool_]
StrA = NDArray[np.str_]

DAY = 86_400
HOUR = 3_600
NEVER = np.iinfo(np.int64).max // 4

# person categories (ground truth)
MEMBER, BROKER, RELATIVE, BYSTANDER, BUYER, VICTIM, PARENT, FOUND, DECOY, DUPLICATE = range(10)
CATEGORY_NAMES = (
    "gang-member",
    "broker",
    "relative",
    "bystander",
    "buyer",
    "victim",
    "parent",
    "found",
    "unknown-origin",
    "duplicate",
)
# roles inside a gang
LEADER, LIEUTENANT, SOLDIER = 0, 1, 2
GANG_ROLE_NAMES = ("leader", "lieutenant", "member")
# phone kinds
PRIMARY, SECONDARY, SWAPPED, BURNER = range(4)
PHONE_KIND_NAMES = ("primary", "secondary", "sim-swap", "burner")
# roles along a chain
ABDUCTOR, TRANSPORTER, CHAIN_BROKER, SELLER, CHAIN_BUYER = range(5)
ORGANISER = 5
CHAIN_ROLE_NAMES = ("abductor", "transporter", "broker", "seller", "buyer", "organiser")
# location kinds, in the schema's words
CITY, SITE, TOWER, ADDRESS = range(4)
LOCATION_KIND_NAMES = ("city", "blood-sampling site", "cell tower", "address")

#: relative share of calls per hour of the (local) day
_RHYTHM = np.array(
    [
        1.0,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        4.0,
        5.0,
        5.5,
        5.5,
        5.0,
        4.8,
        4.8,
        5.0,
        5.2,
        5.5,
        6.0,
        6.5,
        6.0,
        5.0,
        3.5,
        2.0,
    ]
)


#: participant templates of a chain by (number of intermediates, crosses gangs): G a member
#: of the abducting gang, B the broker, H a member of the buyer's gang
_CHAIN_TEMPLATES = {
    (1, True): "B",
    (2, True): "GB",
    (3, True): "GBH",
    (4, True): "GBHH",
    (5, True): "GGBHH",
    (1, False): "G",
    (2, False): "GG",
}


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream for one part of the generator."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def _csr(groups: IntA, n_groups: int) -> tuple[IntA, IntA]:
    """(order, start): items of group g are order[start[g]:start[g+1]]."""
    order = np.argsort(groups, kind="stable").astype(np.int64)
    counts = np.bincount(groups, minlength=n_groups)
    start = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return order, start


def _pick_in_groups(rng: np.random.Generator, start: IntA, groups: IntA) -> IntA:
    """A uniform random position inside each given group's range of ``start``."""
    size = start[groups + 1] - start[groups]
    return start[groups] + (rng.random(len(groups)) * size).astype(np.int64)


def _weighted(rng: np.random.Generator, weights: FltA, n: int) -> IntA:
    """``n`` indices drawn with probability proportional to ``weights``."""
    cum = np.cumsum(weights)
    pos = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    return np.minimum(pos, len(weights) - 1).astype(np.int64)


def _unique_by_second(t: IntA, pair: IntA) -> IntA:
    """Move repeated (pair, second) calls on by a second; return the order by time.

    ``t`` is changed in place. One sort on a key of (time, hash of the pair)
    orders by time and puts repeats next to each other; two different pairs
    sharing a hash in the same second only cost one of them a second.
    """
    t0 = int(t.min())
    bits = max(1, int(t.max() - t0 + 64).bit_length())
    low = 62 - bits
    if low < 16:  # a very long period: sort on both keys
        while True:
            o = np.lexsort((pair, t))
            ts, ps = t[o], pair[o]
            moved = o[1:][(ts[1:] == ts[:-1]) & (ps[1:] == ps[:-1])]
            if not len(moved):
                return np.argsort(t, kind="stable")
            t[moved] += 1
    mixed = (pair.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - low)
    while True:
        key = ((t - t0).astype(np.uint64) << np.uint64(low)) | mixed
        o = np.argsort(key, kind="stable")
        ks = key[o]
        del key
        moved = o[1:][ks[1:] == ks[:-1]]
        del ks
        if not len(moved):
            return o
        t[moved] += 1


class TimeZoneTable:
    """Vectorised UTC offsets of one IANA zone over a span of days."""

    def __init__(self, zone: str, first_day: int, last_day: int) -> None:
        tz = ZoneInfo(zone)
        self.first = first_day
        days = np.arange(first_day, last_day + 2, dtype=np.int64)
        daily = np.array([_offset(tz, int(d) * DAY) for d in days], dtype=np.int64)
        hours = np.repeat(daily, 24)
        for i in np.flatnonzero(daily[1:] != daily[:-1]):  # a change during day i
            base = int(days[i]) * DAY
            hours[i * 24 : (i + 1) * 24] = [_offset(tz, base + h * HOUR) for h in range(24)]
        self.hours = hours

    def offsets(self, utc: IntA) -> IntA:
        idx = utc // HOUR - self.first * 24
        return self.hours[np.clip(idx, 0, len(self.hours) - 1)]

    def local_to_utc(self, local: IntA) -> IntA:
        return local - self.offsets(local - self.offsets(local))


def _offset(tz: ZoneInfo, utc_seconds: int) -> int:
    off = datetime.fromtimestamp(utc_seconds, UTC).astimezone(tz).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def render_datetimes(utc: IntA, tzt: TimeZoneTable) -> StrA:
    """ISO 8601 local date-times with their offset, e.g. ``2023-05-01T13:05:00+08:00``."""
    if len(utc) == 0:
        return np.array([], dtype="<U25")
    off = tzt.offsets(utc)
    local = utc + off
    day = local // DAY
    d0 = int(day.min())
    days = np.strings.add(
        np.datetime_as_string(np.arange(d0, int(day.max()) + 1).astype("datetime64[D]"), unit="D"),
        "T",
    )
    text = np.strings.add(days[day - d0], _clock()[local - day * DAY])
    uniq, inv = np.unique(off, return_inverse=True)
    if len(uniq) == 1:
        return np.strings.add(text, _offset_text(int(uniq[0])))
    suffix = np.array([_offset_text(int(o)) for o in uniq])
    return np.strings.add(text, suffix[inv])


@cache
def _clock() -> StrA:
    """``HH:MM:SS`` of every second of a day."""
    s = np.arange(DAY)
    parts = [
        np.strings.zfill((v % m).astype(str), 2)
        for v, m in ((s // HOUR, 24), (s // 60, 60), (s, 60))
    ]
    return np.strings.add(
        np.strings.add(np.strings.add(parts[0], ":"), parts[1]), np.strings.add(":", parts[2])
    )


def _offset_text(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    m = abs(seconds) // 60
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


def render_dates(days: IntA) -> StrA:
    """ISO dates; negative sentinel -1 is not special here (mask it yourself)."""
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


class World:
    """All planted entities of one data set (see the module doc)."""

    def __init__(self, params: SynthParams) -> None:
        self.p = params
        self.locale: Locale = locale_for(params.region)
        self.plan: PhonePlan = phone_plan(params.region)
        self.zone = params.timezone or self.plan.timezone
        self.start_day = (date.fromisoformat(params.start) - date(1970, 1, 1)).days
        self.end_day = self.start_day + params.days
        self.tz = TimeZoneTable(self.zone, self.start_day - 4 * 366, self.end_day + 400)
        self.t_start = int(self.tz.local_to_utc(np.array([self.start_day * DAY]))[0])
        self.t_end = int(self.tz.local_to_utc(np.array([self.end_day * DAY]))[0])
        self._people: dict[str, list[Any]] = {
            k: [] for k in ("cat", "gender", "birth", "city", "gang", "grole", "canon")
        }
        self.n_people = 0

        self._places()
        self._gangs()
        self._core_people()
        self._abductions()
        self._family()
        self._finish_people()
        self._phones()
        self._burners()
        self._calls()
        self._cases()
        self._sightings()
        self._dna()
        self._duplicates()
        self._withhold_transfers()

    # ------------------------------------------------------------------ helpers

    def rng(self, name: str) -> np.random.Generator:
        return stream(self.p.seed, name)

    def _add_people(
        self,
        cat: int,
        n: int,
        *,
        gender: IntA,
        birth: IntA,
        city: IntA,
        gang: IntA | None = None,
        grole: IntA | None = None,
        canon: IntA | None = None,
    ) -> IntA:
        idx = np.arange(self.n_people, self.n_people + n, dtype=np.int64)
        minus = np.full(n, -1, dtype=np.int64)
        cols = self._people
        cols["cat"].append(np.full(n, cat, dtype=np.int64))
        cols["gender"].append(gender.astype(np.int64))
        cols["birth"].append(birth.astype(np.int64))
        cols["city"].append(city.astype(np.int64))
        cols["gang"].append(minus if gang is None else gang.astype(np.int64))
        cols["grole"].append(minus if grole is None else grole.astype(np.int64))
        cols["canon"].append(idx if canon is None else canon.astype(np.int64))
        self.n_people += n
        return idx

    def _birth(
        self,
        rng: np.random.Generator,
        n: int,
        age_lo: float,
        age_hi: float,
        at_day: IntA | int | None = None,
    ) -> IntA:
        ref = self.start_day if at_day is None else at_day
        age = rng.uniform(age_lo, age_hi, n) * 365.25
        return (np.asarray(ref) - age).astype(np.int64)

    def _address_in(self, rng: np.random.Generator, city: IntA) -> IntA:
        return self.addr_order[_pick_in_groups(rng, self.addr_start, city)]

    def _tower_in(self, rng: np.random.Generator, city: IntA) -> IntA:
        return self.tower_order[_pick_in_groups(rng, self.tower_start, city)]

    def _random_city_in_region(self, rng: np.random.Generator, region: IntA) -> IntA:
        return self.city_order[_pick_in_groups(rng, self.city_region_start, region)]

    def _local_times(
        self, rng: np.random.Generator, n: int, day_lo: int, day_hi: int, hours: FltA | None = None
    ) -> IntA:
        """Times with the daily rhythm, uniform over days [day_lo, day_hi)."""
        w = _RHYTHM if hours is None else hours
        day = rng.integers(day_lo, day_hi, n)
        hour = rng.choice(24, size=n, p=w / w.sum())
        sec = rng.integers(0, HOUR, n)
        return self.tz.local_to_utc(day * DAY + hour * HOUR + sec)

    # ------------------------------------------------------------------- places

    def _places(self) -> None:
        rng = self.rng("places")
        regions = self.locale.regions
        self.region_names = [r.name for r in regions]
        cities = [(ri, c) for ri, r in enumerate(regions) for c in r.cities]
        self.cities = [c for _, c in cities]
        nc = len(cities)
        self.city_region = np.array([ri for ri, _ in cities], dtype=np.int64)
        self.city_order, self.city_region_start = _csr(self.city_region, len(regions))
        # the first city of a region (its capital) is bigger
        first = np.r_[True, self.city_region[1:] != self.city_region[:-1]]
        self.city_weight = np.where(first, 2.0, 1.0)
        self.city_weight /= self.city_weight.sum()
        lat0 = np.array([c.lat for c in self.cities])
        lon0 = np.array([c.lon for c in self.cities])

        per_city_towers = max(3, int(np.ceil(self.p.scale / (400 * nc))))
        n_members_guess = self.p.target_members
        per_city_addr = max(6, int(np.ceil(n_members_guess * 1.5 / nc)))
        kinds: list[IntA] = []
        city_of: list[IntA] = []
        for kind, per in ((CITY, 1), (SITE, 1), (TOWER, per_city_towers), (ADDRESS, per_city_addr)):
            kinds.append(np.full(nc * per, kind, dtype=np.int64))
            city_of.append(np.repeat(np.arange(nc, dtype=np.int64), per))
        self.loc_kind = np.concatenate(kinds)
        self.loc_city = np.concatenate(city_of)
        n = len(self.loc_kind)
        spread = np.select([self.loc_kind == CITY, self.loc_kind == TOWER], [0.0, 0.06], 0.04)
        self.loc_lat = lat0[self.loc_city] + rng.normal(0, 1, n) * spread
        self.loc_lon = lon0[self.loc_city] + rng.normal(0, 1, n) * spread
        # per kind: a serial number inside the kind, and the street of an address
        self.loc_serial = np.zeros(n, dtype=np.int64)
        for k in range(4):
            m = self.loc_kind == k
            self.loc_serial[m] = np.arange(1, m.sum() + 1)
        self.loc_street = rng.integers(0, len(self.locale.streets), n)
        self.loc_number = rng.integers(1, 400, n)

        def by_city(kind: int) -> tuple[IntA, IntA]:
            ids = np.flatnonzero(self.loc_kind == kind)
            order, start = _csr(self.loc_city[ids], nc)
            return ids[order], start

        self.addr_order, self.addr_start = by_city(ADDRESS)
        self.tower_order, self.tower_start = by_city(TOWER)
        self.site_of_city, _ = by_city(SITE)
        self.city_loc, _ = by_city(CITY)

    # -------------------------------------------------------------------- gangs

    def _gangs(self) -> None:
        rng = self.rng("gangs")
        p = self.p

        def draw(k: int) -> IntA:
            u = 1.0 - rng.random(k)
            sizes = np.floor(p.gang_size_min * u ** (-1.0 / p.gang_size_alpha))
            return np.clip(sizes, p.gang_size_min, p.gang_size_max).astype(np.int64)

        if p.n_gangs is not None:
            sizes = draw(max(1, p.n_gangs))
        else:  # as many gangs as it takes to reach the target number of members
            target = p.target_members
            sizes = draw(2 * target // p.gang_size_min + 3)
            ng = max(3, int(np.searchsorted(np.cumsum(sizes), target)) + 1)
            sizes = sizes[:ng]
        ng = len(sizes)
        self.ng = ng
        self.gang_size = sizes
        self.gang_city = rng.choice(len(self.cities), size=ng, p=self.city_weight)
        self.gang_region = self.city_region[self.gang_city]
        # allies: neighbours in an ordering by region (a ring)
        order = np.lexsort((rng.random(ng), self.gang_region))
        pos = np.empty(ng, dtype=np.int64)
        pos[order] = np.arange(ng)
        self.gang_allies = np.stack([order[(pos + 1) % ng], order[(pos - 1) % ng]], axis=1)

    def _core_people(self) -> None:
        rng = self.rng("people")
        p = self.p
        ng = self.ng
        sizes = self.gang_size
        n_mem = int(sizes.sum())
        gang = np.repeat(np.arange(ng, dtype=np.int64), sizes)
        first = np.zeros(ng + 1, dtype=np.int64)
        np.cumsum(sizes, out=first[1:])
        rank = np.arange(n_mem) - first[gang]
        n_lt = np.maximum(1, np.round(sizes * p.lieutenant_ratio)).astype(np.int64)
        grole = np.where(rank == 0, LEADER, np.where(rank <= n_lt[gang], LIEUTENANT, SOLDIER))
        away = rng.random(n_mem) < 0.15
        city = np.where(
            away, self._random_city_in_region(rng, self.gang_region[gang]), self.gang_city[gang]
        )
        gender = (rng.random(n_mem) < 0.85).astype(np.int64)
        self.members = self._add_people(
            MEMBER,
            n_mem,
            gender=gender,
            birth=self._birth(rng, n_mem, 19, 58),
            city=city,
            gang=gang,
            grole=grole,
        )
        self.gang_first = first
        self.gang_leader = self.members[first[:-1]]
        # bosses: member -> a lieutenant of the gang, lieutenant -> leader, leader -> a lieutenant
        lt_pick = first[gang] + 1 + (rng.random(n_mem) * n_lt[gang]).astype(np.int64)
        boss = np.where(grole == LIEUTENANT, self.gang_leader[gang], self.members[lt_pick])
        self.member_boss = boss

        # brokers: each works for 2 (or 3) gangs, often in other regions
        nb = round(p.broker_ratio * ng) if ng >= 2 else 0
        bg_rows: list[tuple[int, int]] = []
        weights = sizes / sizes.sum()
        for b in range(nb):
            k = min(ng, 3 if rng.random() < 0.3 else 2)
            first_g = int(rng.choice(ng, p=weights))
            chosen = [first_g]
            while len(chosen) < k:
                other_region = self.gang_region != self.gang_region[first_g]
                pool = (
                    np.flatnonzero(other_region)
                    if rng.random() < 0.6 and other_region.any()
                    else np.arange(ng)
                )
                g = int(pool[rng.integers(len(pool))])
                if g not in chosen:
                    chosen.append(g)
            bg_rows += [(b, g) for g in chosen]
        bg = np.array(bg_rows, dtype=np.int64).reshape(-1, 2)
        self.broker_gang_b, self.broker_gang_g = bg[:, 0], bg[:, 1]
        first_gang = np.zeros(nb, dtype=np.int64)
        if nb:
            firsts = np.r_[True, bg[1:, 0] != bg[:-1, 0]]
            first_gang = bg[firsts, 1]
        self.brokers = self._add_people(
            BROKER,
            nb,
            gender=(rng.random(nb) < 0.8).astype(np.int64),
            birth=self._birth(rng, nb, 25, 60),
            city=self.gang_city[first_gang],
        )
        self.broker_first_gang = first_gang
        # brokers of each gang (CSR over broker_gang rows)
        self.gang_brokers_order, self.gang_brokers_start = _csr(self.broker_gang_g, ng)

        # relatives of gang members and brokers
        g_all = np.concatenate([self.members, self.brokers])
        n_rel = round(p.relatives_per_member * len(g_all))
        of = g_all[rng.integers(0, len(g_all), n_rel)]
        relation = rng.choice(4, size=n_rel, p=[0.4, 0.3, 0.2, 0.1])  # spouse sibling parent child
        self._of_rel = of
        self._rel_relation = relation
        n_by = round(p.bystanders_per_member * n_mem)
        self._n_rel, self._n_by = n_rel, n_by

    def _abductions(self) -> None:
        """Plant the chains, in stages drawing in turn from the one stream ``chains``."""
        rng = self.rng("chains")
        g, h, cross, hops, b_idx = self._chain_gangs(rng)
        part, role = self._chain_participants(rng, g, h, cross, hops, b_idx)
        self._chain_buyers(rng, g, h, cross, hops, part, role)
        self._chain_victims(rng, g)
        self.abd_gang, self.abd_dest_gang, self.abd_cross = g, h, cross
        self.abd_hops = hops
        self.chain_part, self.chain_role = part, role
        self._chain_transfers(rng)

    def _chain_gangs(self, rng: np.random.Generator) -> tuple[IntA, IntA, BoolA, IntA, IntA]:
        """(gang, buyer's gang, crosses gangs, hops, broker) of each abduction.

        A crossing chain passes through a broker working for its gang ``g`` into
        another gang ``h`` of that broker; the others stay in ``g`` (``h == g``) with
        at most three hops.
        """
        p = self.p
        na = p.abductions
        sizes = self.gang_size
        g = rng.choice(self.ng, size=na, p=sizes / sizes.sum())
        n_b_of_g = self.gang_brokers_start[g + 1] - self.gang_brokers_start[g]
        cross = (rng.random(na) < p.cross_gang_rate) & (n_b_of_g > 0)
        hops = rng.choice(np.arange(2, 7), size=na, p=[0.25, 0.3, 0.25, 0.12, 0.08])
        hops = np.where(~cross, np.minimum(hops, 3), hops)
        # a broker working for g, and the gang on the other side
        b_idx = np.zeros(na, dtype=np.int64)
        crossing = np.flatnonzero(cross)
        rows = _pick_in_groups(rng, self.gang_brokers_start, g[crossing])
        b_idx[crossing] = self.broker_gang_b[self.gang_brokers_order[rows]]
        # h: another gang of that broker
        bg_order, bg_start = _csr(self.broker_gang_b, max(1, len(self.brokers)))
        h = g.copy()
        for _ in range(20):
            todo = cross & (h == g)
            if not todo.any():
                break
            rows = _pick_in_groups(rng, bg_start, b_idx[todo])
            h[todo] = self.broker_gang_g[bg_order[rows]]
        cross &= h != g
        hops = np.where(~cross, np.minimum(hops, 3), hops)
        h = np.where(cross, h, g)
        return g, h, cross, hops, b_idx

    def _chain_participants(
        self, rng: np.random.Generator, g: IntA, h: IntA, cross: BoolA, hops: IntA, b_idx: IntA
    ) -> tuple[IntA, IntA]:
        """(person, chain role) at each position of each chain but the buyer's (-1: none).

        Position 0 is the abductor (a member of ``g``); the intermediates follow a
        template of ``G`` (member of ``g``), ``B`` (the broker), ``H`` (member of ``h``).
        """
        na = self.p.abductions
        part = np.full((na, 7), -1, dtype=np.int64)
        role = np.full((na, 7), -1, dtype=np.int64)
        part[:, 0] = self._member_of(rng, g)
        role[:, 0] = ABDUCTOR
        broker_person = self.brokers[b_idx] if len(self.brokers) else b_idx
        for (k, cr), codes in _CHAIN_TEMPLATES.items():
            rows = np.flatnonzero((hops - 1 == k) & (cross == cr))
            if not len(rows):
                continue
            for j, code in enumerate(codes, start=1):
                if code == "B":
                    part[rows, j] = broker_person[rows]
                    role[rows, j] = CHAIN_BROKER
                else:
                    gg = g[rows] if code == "G" else h[rows]
                    part[rows, j] = self._member_of(rng, gg)
                    last = j == len(codes)
                    role[rows, j] = SELLER if last else TRANSPORTER
            self._distinct_in_chains(rng, part, rows, codes, g, h)
        return part, role

    def _distinct_in_chains(
        self, rng: np.random.Generator, part: IntA, rows: IntA, codes: str, g: IntA, h: IntA
    ) -> None:
        """Distinct people inside a chain: redraw clashes with earlier positions."""
        for _ in range(30):
            clash = False
            for j, code in enumerate(codes, start=1):
                if code == "B":
                    continue
                earlier = part[rows, :j]
                bad = (earlier == part[rows, j][:, None]).any(axis=1)
                if bad.any():
                    clash = True
                    sel = rows[bad]
                    part[sel, j] = self._member_of(rng, g[sel] if code == "G" else h[sel])
            if not clash:
                break

    def _chain_buyers(
        self,
        rng: np.random.Generator,
        g: IntA,
        h: IntA,
        cross: BoolA,
        hops: IntA,
        part: IntA,
        role: IntA,
    ) -> None:
        """Buyers: one per abduction, some buy twice; the last position of each chain."""
        na = self.p.abductions
        dest_region = np.where(
            cross,
            self.gang_region[h],
            np.where(
                rng.random(na) < 0.4,
                rng.integers(0, len(self.region_names), na),
                self.gang_region[g],
            ),
        )
        buyer_city = np.where(
            cross & (rng.random(na) < 0.5),
            self.gang_city[h],
            self._random_city_in_region(rng, dest_region),
        )
        repeat = rng.random(na) < 0.1
        buyer_slot = np.where(repeat, rng.integers(0, na, na), np.arange(na))
        slots, slot_inv = np.unique(buyer_slot, return_inverse=True)
        nbuy = len(slots)
        self.buyers = self._add_people(
            BUYER,
            nbuy,
            gender=(rng.random(nbuy) < 0.85).astype(np.int64),
            birth=self._birth(rng, nbuy, 28, 62),
            city=buyer_city[slots],
        )
        buyer = self.buyers[slot_inv]
        part[np.arange(na), hops] = buyer
        role[np.arange(na), hops] = CHAIN_BUYER

    def _chain_victims(self, rng: np.random.Generator, g: IntA) -> None:
        """Victims (children or women) abducted from an address in their gang's region."""
        p = self.p
        na = p.abductions
        child = rng.random(na) < p.child_rate
        t_abd = self._local_times(
            rng, na, self.start_day + 2, max(self.start_day + 3, self.end_day - 45)
        )
        vgender = np.where(child, (rng.random(na) < 0.55).astype(np.int64), 0)
        abd_day = self._day_of(t_abd)
        vbirth = np.where(
            child, self._birth(rng, na, 0.3, 10, abd_day), self._birth(rng, na, 16, 34, abd_day)
        )
        vcity = self._random_city_in_region(rng, self.gang_region[g])
        self.victims = self._add_people(VICTIM, na, gender=vgender, birth=vbirth, city=vcity)
        self.abd_loc = self._address_in(rng, vcity)
        self.abd_t = t_abd
        self.abd_child = child

    def _chain_transfers(self, rng: np.random.Generator) -> None:
        """Transfers: hop i passes the victim from ``chain_part[i-1]`` to ``chain_part[i]``."""
        na = self.p.abductions
        hops, part, t_abd = self.abd_hops, self.chain_part, self.abd_t
        gaps = np.exp(rng.normal(np.log(3 * DAY), 1.0, (na, 6))).clip(2 * HOUR, 21 * DAY)
        gaps[:, 0] = np.exp(rng.normal(np.log(6 * HOUR), 0.6, na)).clip(2 * HOUR, 2 * DAY)
        steps = np.arange(6)[None, :] < hops[:, None]
        gaps = np.where(steps, gaps, 0.0)
        cum = np.cumsum(gaps, axis=1)
        room = (self.t_end - HOUR - t_abd).astype(np.float64)
        squeeze = np.minimum(1.0, room / np.maximum(cum[np.arange(na), hops - 1], 1.0))
        times = t_abd[:, None] + (cum * squeeze[:, None]).astype(np.int64)
        times += np.arange(1, 7)[None, :] * 60  # strictly increasing even when squeezed
        tr_a, tr_h = np.nonzero(steps)  # row-major: by abduction, then hop
        self.tr_abd = tr_a.astype(np.int64)
        self.tr_hop = (tr_h + 1).astype(np.int64)
        self.tr_from = part[tr_a, tr_h]
        self.tr_to = part[tr_a, tr_h + 1]
        self.tr_at = times[tr_a, tr_h]
        # where: the receiver's home city mostly (their city known once people are final)
        self._tr_use_receiver = rng.random(len(tr_a)) < 0.7
        growth = 1.25 ** (tr_h + 1) * np.exp(rng.normal(0, 0.25, len(tr_a)))
        base = self.locale.base_price * np.where(self.abd_child, 1.0, 1.3)[tr_a]
        self.tr_amount = np.round(base * growth, -2)

    def _member_of(self, rng: np.random.Generator, gang: IntA) -> IntA:
        """A uniformly random member of each given gang."""
        return self.members[_pick_in_groups(rng, self.gang_first, gang)]

    def _day_of(self, utc: IntA) -> IntA:
        return (utc + self.tz.offsets(utc)) // DAY

    def _family(self) -> None:
        rng = self.rng("family")
        p = self.p
        # relatives of gang members / brokers
        of, relation = self._of_rel, self._rel_relation
        n_rel = len(of)
        cols = self._people
        cat_all = np.concatenate(cols["cat"])
        gender_all = np.concatenate(cols["gender"])
        birth_all = np.concatenate(cols["birth"])
        city_all = np.concatenate(cols["city"])
        rgender = np.where(relation == 0, 1 - gender_all[of], rng.integers(0, 2, n_rel))
        shift = np.select(
            [relation == 2, relation == 3],
            [-rng.uniform(20, 35, n_rel), rng.uniform(18, 30, n_rel)],
            rng.uniform(-6, 6, n_rel),
        )
        rbirth = birth_all[of] + (shift * 365.25).astype(np.int64)
        rbirth = np.minimum(rbirth, self.start_day - 16 * 365)
        self.relatives = self._add_people(
            RELATIVE, n_rel, gender=rgender, birth=rbirth, city=city_all[of]
        )
        self.relative_of = of
        self.relative_relation = relation
        # bystanders live where the gangs are
        g_all = np.flatnonzero((cat_all == MEMBER) | (cat_all == BROKER))
        n_by = self._n_by
        bcity = city_all[g_all[rng.integers(0, len(g_all), n_by)]]
        travel = rng.random(n_by) < 0.2
        bcity = np.where(travel, rng.integers(0, len(self.cities), n_by), bcity)
        self.bystanders = self._add_people(
            BYSTANDER,
            n_by,
            gender=rng.integers(0, 2, n_by),
            birth=self._birth(rng, n_by, 18, 75),
            city=bcity,
        )

        # parents of child victims
        kids = np.flatnonzero(self.abd_child)
        two = rng.random(len(kids)) < 0.7
        kid_of_parent = np.concatenate([kids, kids[two]])
        pgender = np.concatenate(
            [np.zeros(len(kids), dtype=np.int64), np.ones(int(two.sum()), dtype=np.int64)]
        )
        vict = self.victims[kid_of_parent]
        pbirth = birth_all[vict] - (rng.uniform(20, 40, len(vict)) * 365.25).astype(np.int64)
        self.parents = self._add_people(
            PARENT, len(vict), gender=pgender, birth=pbirth, city=city_all[vict]
        )
        self.parent_abd = kid_of_parent  # abduction index of the child
        self.parent_slot = np.r_[
            np.zeros(len(kids), dtype=np.int64), np.ones(int(two.sum()), dtype=np.int64)
        ]

        # found persons: child victims found later under another identity
        abd_end = self.tr_at[np.r_[np.flatnonzero(np.diff(self.tr_abd)), len(self.tr_abd) - 1]]
        self.abd_last = abd_end
        found_ok = self.abd_child & (abd_end + 7 * DAY < self.t_end)
        found = found_ok & (rng.random(p.abductions) < p.found_rate)
        fa = np.flatnonzero(found)
        fbirth = birth_all[self.victims[fa]] + rng.normal(0, 200, len(fa)).astype(np.int64)
        buyer_city = city_all[self.chain_part[fa, self.abd_hops[fa]]]
        self.found = self._add_people(
            FOUND, len(fa), gender=gender_all[self.victims[fa]], birth=fbirth, city=buyer_city
        )
        self.found_abd = fa
        lo = abd_end[fa] + 7 * DAY
        self.found_at = lo + (rng.random(len(fa)) * (self.t_end - lo)).astype(np.int64)
        self.found_birth_known = rng.random(len(fa)) < 0.7
        nd = max(1, round(0.5 * len(fa)))
        self.decoys = self._add_people(
            DECOY,
            nd,
            gender=rng.integers(0, 2, nd),
            birth=self._birth(rng, nd, 3, 16),
            city=rng.integers(0, len(self.cities), nd),
        )
        self.decoy_found_at = self._local_times(rng, nd, self.start_day, self.end_day)

    def _finish_people(self) -> None:
        cols = {k: np.concatenate(v) for k, v in self._people.items()}
        self.cat = cols["cat"]
        self.gender = cols["gender"]
        self.birth = cols["birth"]
        self.city = cols["city"]
        self.gang = cols["gang"]
        self.grole = cols["grole"]
        self.canon = cols["canon"]
        rng = self.rng("activity")
        n = self.n_people
        mult = np.select(
            [self.grole == LEADER, self.grole == LIEUTENANT, self.cat == BROKER],
            [1.5, 2.0, 1.5],
            1.0,
        )
        self.activity = np.exp(rng.normal(0, self.p.activity_sigma, n)) * mult
        boss = np.full(n, -1, dtype=np.int64)
        boss[self.members] = self.member_boss
        if len(self.brokers):
            boss[self.brokers] = self.gang_leader[self.broker_first_gang]
        self.boss = boss
        # transfer places: an address in the receiver's (or the giver's) city
        rng = self.rng("transfer-places")
        who = np.where(self._tr_use_receiver, self.tr_to, self.tr_from)
        self.tr_loc = self._address_in(rng, self.city[who])
        order = np.argsort(self.tr_at, kind="stable")
        self.tr_order = order  # transfer ids follow time

    # ------------------------------------------------------------------- phones

    def _phones(self) -> None:
        rng = self.rng("phones")
        p = self.p
        n = self.n_people
        cat = self.cat
        has_phone = np.isin(cat, (MEMBER, BROKER, RELATIVE, BYSTANDER, BUYER, PARENT))
        # relatives sharing the phone of the member they are related to
        share = np.zeros(n, dtype=bool)
        share[self.relatives] = rng.random(len(self.relatives)) < p.shared_phone_rate
        suspect = np.isin(cat, (MEMBER, BROKER))
        swap = suspect & (rng.random(n) < p.sim_swap_rate)
        host = np.full(n, -1, dtype=np.int64)
        host[self.relatives] = self.relative_of
        share &= host >= 0
        share[share] &= ~swap[host[share]]
        own = has_phone & ~share
        secondary = suspect & (rng.random(n) < p.secondary_phone_rate)

        owners: list[IntA] = []
        kinds: list[IntA] = []
        since: list[IntA] = []
        until: list[IntA] = []
        prim_people = np.flatnonzero(own)
        owners.append(prim_people)
        kinds.append(np.full(len(prim_people), PRIMARY))
        since.append(self.t_start - (rng.random(len(prim_people)) * 3 * 365 * DAY).astype(np.int64))
        swap_t = np.full(n, NEVER, dtype=np.int64)
        sw = np.flatnonzero(swap)
        swap_t[sw] = (
            self.t_start
            + 20 * DAY
            + (rng.random(len(sw)) * max(DAY, self.t_end - self.t_start - 40 * DAY)).astype(
                np.int64
            )
        )
        until.append(np.where(swap[prim_people], swap_t[prim_people], -1))
        sec_people = np.flatnonzero(secondary)
        owners.append(sec_people)
        kinds.append(np.full(len(sec_people), SECONDARY))
        since.append(self.t_start - (rng.random(len(sec_people)) * 365 * DAY).astype(np.int64))
        until.append(np.full(len(sec_people), -1))
        owners.append(sw)
        kinds.append(np.full(len(sw), SWAPPED))
        since.append(swap_t[sw])
        until.append(np.full(len(sw), -1))
        self.ph_owner = np.concatenate(owners)
        self.ph_kind = np.concatenate(kinds)
        self.ph_since = np.concatenate(since)
        self.ph_until = np.concatenate(until)
        self.ph_known = np.ones(len(self.ph_owner), dtype=bool)
        self.ph_known[self.ph_kind == SWAPPED] = rng.random(len(sw)) < p.sim_swap_known
        self.ph_op = np.full(len(self.ph_owner), -1, dtype=np.int64)  # burner: the transfer

        np_ = len(self.ph_owner)
        idx = np.arange(np_, dtype=np.int64)
        self.phone_a = np.full(n, -1, dtype=np.int64)
        self.phone_a[prim_people] = idx[: len(prim_people)]
        self.phone_a[share] = self.phone_a[host[share]]
        self.phone_b = self.phone_a.copy()
        off = len(prim_people) + len(sec_people)
        self.phone_b[sw] = idx[off : off + len(sw)]
        self.phone_2 = np.full(n, -1, dtype=np.int64)
        self.phone_2[sec_people] = idx[len(prim_people) : off]
        self.swap_t = swap_t
        self.shares = share
        self.share_host = host
        # IMEIs: a SIM swap keeps the handset most of the time
        same_handset = rng.random(len(sw)) < 0.6
        self.ph_handset = idx.copy()
        self.ph_handset[off : off + len(sw)] = np.where(
            same_handset, self.phone_a[sw], idx[off : off + len(sw)]
        )

    def _burners(self) -> None:
        rng = self.rng("burners")
        p = self.p
        nt = len(self.tr_from)
        suspect = np.isin(self.cat, (MEMBER, BROKER))
        want_from = suspect[self.tr_from] & (rng.random(nt) < p.burner_rate)
        want_to = suspect[self.tr_to] & (rng.random(nt) < p.burner_rate)
        base = len(self.ph_owner)
        f_ops = np.flatnonzero(want_from)
        t_ops = np.flatnonzero(want_to)
        ops = np.concatenate([f_ops, t_ops])
        owner = np.concatenate([self.tr_from[f_ops], self.tr_to[t_ops]])
        nb = len(ops)
        self.burner_from = np.full(nt, -1, dtype=np.int64)
        self.burner_to = np.full(nt, -1, dtype=np.int64)
        self.burner_from[f_ops] = base + np.arange(len(f_ops))
        self.burner_to[t_ops] = base + len(f_ops) + np.arange(len(t_ops))
        t = self.tr_at[ops]
        self.ph_owner = np.concatenate([self.ph_owner, owner])
        self.ph_kind = np.concatenate([self.ph_kind, np.full(nb, BURNER)])
        self.ph_since = np.concatenate([self.ph_since, t - 66 * HOUR])
        self.ph_until = np.concatenate([self.ph_until, t + 8 * HOUR])
        self.ph_known = np.concatenate([self.ph_known, rng.random(nb) < p.burner_known])
        self.ph_op = np.concatenate([self.ph_op, ops])
        self.ph_handset = np.concatenate([self.ph_handset, base + np.arange(nb)])
        self._numbers(rng)

    def _numbers(self, rng: np.random.Generator) -> None:
        plan = self.plan
        n = len(self.ph_owner)
        pref = np.array(plan.prefixes)
        top = 10**plan.suffix_digits
        # draw numbers as integers, then make them unique keeping the order of the draw
        nums = np.empty(0, dtype=np.int64)
        while len(nums) < n:
            pi = rng.integers(0, len(pref), 2 * n + 16)
            sx = rng.integers(0, top, 2 * n + 16)
            cand = np.concatenate([nums, pi * top + sx])
            _, first = np.unique(cand, return_index=True)
            nums = cand[np.sort(first)]
        nums = nums[:n]
        self.ph_prefix = nums // top
        self.ph_suffix = nums % top

    def phone_numbers(self) -> tuple[StrA, StrA, StrA]:
        """(E.164, national, grouped national) text of every phone."""
        plan = self.plan
        sfx = np.strings.zfill(self.ph_suffix.astype(str), plan.suffix_digits)
        nsn = np.strings.add(np.array(plan.prefixes)[self.ph_prefix], sfx)
        e164 = np.strings.add("+" + plan.country_code, nsn)
        national = np.strings.add(plan.trunk, nsn) if plan.trunk else nsn
        parts = []
        pos = 0
        for g in plan.groups:
            parts.append(np.strings.slice(national, pos, pos + g))
            pos += g
        grouped = parts[0]
        for part in parts[1:]:
            grouped = np.strings.add(np.strings.add(grouped, " "), part)
        return e164, national, grouped

    # -------------------------------------------------------------------- calls

    def _phone_at(self, rng: np.random.Generator, person: IntA, t: IntA) -> IntA:
        ph = np.where(t < self.swap_t[person], self.phone_a[person], self.phone_b[person])
        sec = self.phone_2[person]
        use2 = (sec >= 0) & (rng.random(len(person)) < 0.3)
        return np.where(use2, sec, ph)

    def _calls(self) -> None:
        """Three kinds of calls (bursts around operations, background, gang), merged by time.

        Each part returns only phones, times, cities and durations, so its
        temporaries are freed before the next one runs.
        """
        p = self.p
        bursts = self._burst_calls()
        n_bg = min(round(p.background * p.scale), p.scale - len(bursts[0]))
        background = self._background_calls(n_bg)
        gang = self._gang_call_records(p.scale - len(bursts[0]) - n_bg)
        self.call_kind_counts = {"burst": len(bursts[0]), "background": n_bg, "gang": len(gang[0])}
        x, y, t, city, dur = (np.concatenate(v) for v in zip(bursts, background, gang, strict=True))
        del bursts, background, gang
        rng = self.rng("call-phones")
        # a call between the two users of one shared phone: make it a bystander call
        for _ in range(20):
            same = np.flatnonzero(x == y)
            if not len(same):
                break
            who = self.bystanders[rng.integers(0, len(self.bystanders), len(same))]
            y[same] = self._phone_at(rng, who, t[same])
        swap = rng.random(len(x)) < 0.5
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        del swap
        dur = np.where(rng.random(len(x)) < 0.07, 0, np.minimum(dur, 7200)).astype(np.int32)
        tower = self._tower_in(rng, city).astype(np.int32)
        del city
        missing_id = rng.random(len(x)) < p.missing_call_id
        order = _unique_by_second(t, x.astype(np.int64) * len(self.ph_owner) + y)
        self.call_caller = x[order].astype(np.int32)
        del x
        self.call_callee = y[order].astype(np.int32)
        del y
        self.call_t = t[order]
        del t
        self.call_dur = dur[order]
        self.call_tower = tower[order]
        self.call_missing_id = missing_id[order]
        del order, dur, tower, missing_id
        # first and last time each phone is seen in the calls
        nph = len(self.ph_owner)
        first = np.full(nph, NEVER, dtype=np.int64)
        last = np.full(nph, -1, dtype=np.int64)
        for side in (self.call_caller, self.call_callee):
            np.minimum.at(first, side, self.call_t)
            np.maximum.at(last, side, self.call_t)
        self.ph_first, self.ph_last = first, last

    def _burst_calls(self) -> tuple[IntA, IntA, IntA, IntA, FltA]:
        """Calls among the people of each transfer / abduction, in the hours before it."""
        p = self.p
        rng = self.rng("bursts")
        na = p.abductions
        op_a = np.concatenate([self.tr_from, self.chain_part[:, 0]])
        op_b = np.concatenate([self.tr_to, self.boss[self.chain_part[:, 0]]])
        op_t = np.concatenate([self.tr_at, self.abd_t])
        op_loc = np.concatenate([self.tr_loc, self.abd_loc])
        op_bf = np.concatenate([self.burner_from, np.full(na, -1)])
        op_bt = np.concatenate([self.burner_to, np.full(na, -1)])
        k = rng.poisson(p.burst_calls, len(op_a))
        cap = int(0.35 * p.scale)
        if k.sum() > cap:
            k = rng.binomial(k, cap / k.sum())
        op = np.repeat(np.arange(len(op_a)), k)
        nb = len(op)
        a, b = op_a[op], op_b[op]
        r = rng.random(nb)
        boss_a, boss_b = self.boss[a], self.boss[b]
        use_a = (r >= 0.6) & (r < 0.8) & (boss_a >= 0) & (boss_a != b)
        use_b = (r >= 0.8) & (boss_b >= 0) & (boss_b != a)
        x = np.where(use_b, b, a)
        y = np.where(use_a, boss_a, np.where(use_b, boss_b, b))
        pre = rng.random(nb) < 0.8
        dt = np.where(
            pre, -np.minimum(rng.exponential(8 * HOUR, nb), 60 * HOUR), rng.random(nb) * 6 * HOUR
        ).astype(np.int64)
        bt = np.clip(op_t[op] + dt, self.t_start, self.t_end - 1)
        bx = self._phone_at(rng, x, bt)
        by = self._phone_at(rng, y, bt)
        bf, bto = op_bf[op], op_bt[op]
        bx = np.where((x == a) & (bf >= 0), bf, np.where((x == b) & (bto >= 0), bto, bx))
        by = np.where((y == b) & (bto >= 0), bto, np.where((y == a) & (bf >= 0), bf, by))
        return bx, by, bt, self.loc_city[op_loc[op]], np.exp(rng.normal(np.log(45), 0.9, nb))

    def _background_calls(self, n: int) -> tuple[IntA, IntA, IntA, IntA, FltA]:
        """Gang people with relatives and bystanders; outsiders among themselves."""
        rng = self.rng("background")
        g_people = np.concatenate([self.members, self.brokers])
        outsiders = np.concatenate([self.relatives, self.bystanders, self.buyers, self.parents])
        rel_of = np.full(self.n_people, -1, dtype=np.int64)
        rel_of[self.relative_of] = self.relatives
        half = rng.random(n) < 0.5
        gx = g_people[_weighted(rng, self.activity[g_people], n)]
        ox = outsiders[_weighted(rng, self.activity[outsiders], n)]
        oy = outsiders[_weighted(rng, self.activity[outsiders], n)]
        by = self.bystanders[rng.integers(0, len(self.bystanders), n)]
        fam = (rel_of[gx] >= 0) & (rng.random(n) < 0.5)
        gy = np.where(fam, rel_of[gx], by)
        ux = np.where(half, gx, ox)
        uy = np.where(half, gy, oy)
        uy = np.where(uy == ux, by, uy)
        del gx, ox, oy, gy, fam, half
        ut = np.clip(
            self._local_times(rng, n, self.start_day, self.end_day), self.t_start, self.t_end - 1
        )
        city = np.where(rng.random(n) < 0.9, self.city[ux], rng.integers(0, len(self.cities), n))
        dur = np.exp(rng.normal(np.log(60), 1.1, n))
        return self._phone_at(rng, ux, ut), self._phone_at(rng, uy, ut), ut, city, dur

    def _gang_call_records(self, n: int) -> tuple[IntA, IntA, IntA, IntA, FltA]:
        """Calls of gang people: mostly inside the gang, up the hierarchy, to allies."""
        rng = self.rng("gang-calls")
        g_people = np.concatenate([self.members, self.brokers])
        cx, cy = self._gang_calls(rng, n, g_people, self.activity[g_people])
        ct = np.clip(
            self._local_times(rng, n, self.start_day, self.end_day), self.t_start, self.t_end - 1
        )
        city = np.where(rng.random(n) < 0.9, self.city[cx], rng.integers(0, len(self.cities), n))
        dur = np.exp(rng.normal(np.log(60), 1.1, n))
        rng = self.rng("gang-call-phones")
        return self._phone_at(rng, cx, ct), self._phone_at(rng, cy, ct), ct, city, dur

    def _gang_calls(
        self, rng: np.random.Generator, n: int, g_people: IntA, g_w: FltA
    ) -> tuple[IntA, IntA]:
        p = self.p
        ng = self.ng
        # roster of each gang: its members and the brokers working for it
        r_people = np.concatenate([self.members, self.brokers[self.broker_gang_b]])
        r_gang = np.concatenate([self.gang[self.members], self.broker_gang_g])
        r_order, r_start = _csr(r_gang, ng)
        r_people = r_people[r_order]
        r_cum = np.cumsum(self.activity[r_people])
        lo_cum = np.r_[0.0, r_cum][r_start[:-1]]
        hi_cum = np.r_[0.0, r_cum][r_start[1:]]

        def in_gang(gangs: IntA) -> IntA:
            xq = lo_cum[gangs] + rng.random(len(gangs)) * (hi_cum[gangs] - lo_cum[gangs])
            pos = np.searchsorted(r_cum, xq, side="right")
            pos = np.clip(pos, r_start[gangs], r_start[gangs + 1] - 1)
            return r_people[pos]

        cx = g_people[_weighted(rng, g_w, n)]
        cg = self.gang[cx].copy()
        is_b = cg < 0
        if is_b.any():
            b_local = np.searchsorted(self.brokers, cx[is_b])
            bg_order, bg_start = _csr(self.broker_gang_b, len(self.brokers))
            cg[is_b] = self.broker_gang_g[bg_order[_pick_in_groups(rng, bg_start, b_local)]]
        u = rng.random(n)
        mix = u < p.mixing
        ally = mix & (rng.random(n) < p.ally_share)
        tg = cg.copy()
        tg[ally] = self.gang_allies[cg[ally], rng.integers(0, 2, int(ally.sum()))]
        other = mix & ~ally
        sizes = self.gang_size
        tg[other] = rng.choice(ng, size=int(other.sum()), p=sizes / sizes.sum())
        if ng > 1:
            for _ in range(10):
                again = mix & (tg == cg)
                if not again.any():
                    break
                tg[again] = rng.choice(ng, size=int(again.sum()), p=sizes / sizes.sum())
        cy = in_gang(tg)
        hier = ~mix & (rng.random(n) < p.hierarchy)
        boss = np.where(is_b, self.gang_leader[cg], self.boss[cx])
        cy = np.where(hier & (boss >= 0), boss, cy)
        for _ in range(20):
            bad = np.flatnonzero(cy == cx)
            if not len(bad):
                break
            cy[bad] = in_gang(tg[bad])
        bad = cy == cx
        cy[bad] = self.gang_leader[cg[bad]]
        still = cy == cx
        cy[still] = self.boss[cx[still]]
        return cx, cy

    # -------------------------------------------------------------------- cases

    def _cases(self) -> None:
        """Case records, their status, suspects, victims and missing-person reports."""
        rng = self.rng("cases")
        self._case_records(rng)
        self._case_status(rng)
        self._case_people()

    def _case_records(self, rng: np.random.Generator) -> None:
        """One case per abduction (kind 0), one per sale in another region (1), one
        missing-person report per child (2); ordered by opening time."""
        na = self.p.abductions
        src_region = self.gang_region[self.abd_gang]
        buyer = self.chain_part[np.arange(na), self.abd_hops]
        buyer_region = self.city_region[self.city[buyer]]
        tr_region = self.city_region[self.loc_city[self.tr_loc]]
        two = buyer_region != src_region
        in_b = two[self.tr_abd] & (tr_region == buyer_region[self.tr_abd])
        b_abd = np.flatnonzero(two & (np.bincount(self.tr_abd, weights=in_b, minlength=na) > 0))
        last_in_b = np.full(na, -1, dtype=np.int64)
        tb = np.flatnonzero(in_b)
        np.maximum.at(last_in_b, self.tr_abd[tb], tb)
        kids = np.flatnonzero(self.abd_child)
        # (abductions, opened, region, location) of the cases of each kind
        per_kind = (
            (
                np.arange(na),
                self.abd_t + (rng.random(na) * 10 * DAY).astype(np.int64),
                src_region,
                self.abd_loc,
            ),
            (
                b_abd,
                self.tr_at[last_in_b[b_abd]] + (rng.random(len(b_abd)) * 20 * DAY).astype(np.int64),
                buyer_region[b_abd],
                self.tr_loc[last_in_b[b_abd]],
            ),
            (
                kids,
                self.abd_t[kids] + (rng.random(len(kids)) * 2 * DAY).astype(np.int64),
                src_region[kids],
                self.abd_loc[kids],
            ),
        )
        c_kind = np.concatenate(
            [np.full(len(k[0]), i, dtype=np.int64) for i, k in enumerate(per_kind)]
        )
        c_abd, c_open, c_region, c_loc = (np.concatenate(v) for v in zip(*per_kind, strict=True))
        c_open = np.minimum(c_open, self.t_end - HOUR)
        order = np.lexsort((c_kind, c_open))
        self.case_kind = c_kind[order]
        self.case_abd = c_abd[order]
        self.case_open = c_open[order]
        self.case_region = c_region[order]
        self.case_loc = c_loc[order]
        # each abduction's case of each kind (-1: none)
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = np.arange(len(order))
        start = np.cumsum([0] + [len(k[0]) for k in per_kind])
        self.abd_case_a = pos[start[0] : start[1]]
        self.abd_case_b = np.full(na, -1, dtype=np.int64)
        self.abd_case_b[b_abd] = pos[start[1] : start[2]]
        self.abd_case_m = np.full(na, -1, dtype=np.int64)
        self.abd_case_m[kids] = pos[start[2] : start[3]]
        self.tr_case = np.where(in_b, self.abd_case_b[self.tr_abd], self.abd_case_a[self.tr_abd])

    def _case_status(self, rng: np.random.Generator) -> None:
        """Solved some weeks after the last transfer (a missing child: when found), or open."""
        nc = len(self.case_kind)
        last = self.abd_last[self.case_abd]
        found_by = np.full(self.p.abductions, NEVER, dtype=np.int64)
        found_by[self.found_abd] = self.found_at
        solve_at = np.where(
            self.case_kind == 2,
            found_by[self.case_abd],
            last + (rng.uniform(10, 120, nc) * DAY).astype(np.int64),
        )
        solved = (solve_at < self.t_end) & ((self.case_kind == 2) | (rng.random(nc) < 0.45))
        closed = ~solved & (self.case_kind != 2) & (rng.random(nc) < 0.05)
        self.case_status = np.where(solved, 1, np.where(closed, 2, 0))  # open solved closed
        self.case_solved = np.where(solved, solve_at, -1)
        long_chain = self.abd_hops[self.case_abd] >= 4
        self.case_supervised = rng.random(nc) < np.where(long_chain, 0.25, 0.06)

    def _case_people(self) -> None:
        """Suspects: everyone on the chain (for a sale case: those of its transfers) and the
        organiser; the victim of each case; reports by the parents of missing children."""
        role = self.chain_role
        self.tr_from_role = role[self.tr_abd, self.tr_hop - 1]
        self.tr_to_role = role[self.tr_abd, self.tr_hop]
        na = self.p.abductions
        sp = np.concatenate([self.tr_from, self.tr_to, self.gang_leader[self.abd_gang]])
        sc = np.concatenate([self.tr_case, self.tr_case, self.abd_case_a])
        sr = np.concatenate([self.tr_from_role, self.tr_to_role, np.full(na, ORGANISER)])
        key = sc * self.n_people + sp
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        self.susp_person, self.susp_case, self.susp_role = sp[first], sc[first], sr[first]
        self.vict_person = self.victims[self.case_abd]
        self.vict_case = np.arange(len(self.case_kind))
        m_par = self.abd_case_m[self.parent_abd]
        self.report_person = self.parents
        self.report_case = m_par
        self.report_on = self.case_open[m_par]

    # ---------------------------------------------------------------- sightings

    def _sightings(self) -> None:
        rng = self.rng("sightings")
        p = self.p
        ng = self.ng
        people: list[IntA] = []
        locs: list[IntA] = []
        ats: list[IntA] = []
        # gang meetings
        n_meet = rng.poisson(p.days / 30, ng)
        mg = np.repeat(np.arange(ng), n_meet)
        mt = self._local_times(
            rng,
            len(mg),
            self.start_day,
            self.end_day,
            hours=np.r_[np.zeros(10), np.ones(12), np.zeros(2)],
        )
        mloc = self._address_in(rng, self.gang_city[mg])
        sizes = self.gang_first[mg + 1] - self.gang_first[mg]
        att_m = np.repeat(np.arange(len(mg)), sizes)
        offs = np.arange(len(att_m)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        att_p = self.members[self.gang_first[mg][att_m] + offs]
        prob = np.select(
            [self.grole[att_p] == LEADER, self.grole[att_p] == LIEUTENANT], [0.9, 0.6], 0.15
        )
        go = rng.random(len(att_p)) < prob
        people.append(att_p[go])
        locs.append(mloc[att_m[go]])
        ats.append(mt[att_m[go]] + rng.integers(-15 * 60, 25 * 60, int(go.sum())))
        # seen at transfers
        nt = len(self.tr_from)
        seen = rng.random(nt) < 0.35
        for who, prob_w in (
            (self.victims[self.tr_abd], 0.7),
            (self.tr_from, 0.5),
            (self.tr_to, 0.5),
        ):
            m = seen & (rng.random(nt) < prob_w)
            people.append(who[m])
            locs.append(self.tr_loc[m])
            ats.append(self.tr_at[m] + rng.integers(-20 * 60, 20 * 60, int(m.sum())))
        # routine sightings of gang members about town
        nr = round(len(self.members) * p.days / 180)
        rp = self.members[rng.integers(0, len(self.members), nr)]
        people.append(rp)
        locs.append(self._address_in(rng, self.city[rp]))
        ats.append(
            self._local_times(
                rng,
                nr,
                self.start_day,
                self.end_day,
                hours=np.r_[np.zeros(8), np.ones(15), np.zeros(1)],
            )
        )
        sp, sl, sa = (np.concatenate(v) for v in (people, locs, ats))
        sa = np.clip(sa, self.t_start, self.t_end - 1)
        o = np.lexsort((sl, sp, sa))
        sp, sl, sa = sp[o], sl[o], sa[o]
        dup = np.r_[False, (sp[1:] == sp[:-1]) & (sl[1:] == sl[:-1]) & (sa[1:] == sa[:-1])]
        self.sight_person, self.sight_loc, self.sight_at = sp[~dup], sl[~dup], sa[~dup]

    # ---------------------------------------------------------------------- DNA

    def _dna(self) -> None:
        rng = self.rng("dna")
        p = self.p
        # reference samples from parents
        gives = rng.random(len(self.parents)) < 0.85
        rp = self.parents[gives]
        r_abd = self.parent_abd[gives]
        r_taken = self.abd_t[r_abd] + ((1 + rng.random(len(rp)) * 90) * DAY).astype(np.int64)
        r_taken = np.minimum(r_taken, self.t_end - DAY)
        # unknown-origin samples: found persons and decoys
        up = np.concatenate([self.found, self.decoys])
        u_taken = np.concatenate([self.found_at, self.decoy_found_at]) + DAY
        u_taken = np.minimum(u_taken, self.t_end - DAY)
        person = np.concatenate([rp, up])
        kind = np.concatenate([np.zeros(len(rp), dtype=np.int64), np.ones(len(up), dtype=np.int64)])
        taken = np.concatenate([r_taken, u_taken])
        site = self.site_of_city[self.city[person]]
        order = np.lexsort((person, taken))
        self.sample_person, self.sample_kind = person[order], kind[order]
        self.sample_taken, self.sample_site = self._day_of(taken[order]), site[order]
        ns = len(order)
        sample_of = np.full(self.n_people, -1, dtype=np.int64)
        sample_of[self.sample_person] = np.arange(ns)
        # true matches: a found child's sample with each parent's reference sample
        pairs_a: list[IntA] = []
        pairs_b: list[IntA] = []
        for slot in range(2):
            par_by_abd = np.full(p.abductions, -1, dtype=np.int64)
            m = self.parent_slot == slot
            par_by_abd[self.parent_abd[m]] = self.parents[m]
            par = par_by_abd[self.found_abd]
            ok = (par >= 0) & (sample_of[np.maximum(par, 0)] >= 0)
            pairs_a.append(sample_of[self.found[ok]])
            pairs_b.append(sample_of[par[ok]])
        ta, tb = np.concatenate(pairs_a), np.concatenate(pairs_b)
        t_score = rng.uniform(0.97, 0.9999, len(ta))
        # false matches: some unknown-origin samples against random reference samples
        refs = np.flatnonzero(self.sample_kind == 0)
        unk = np.flatnonzero(self.sample_kind == 1)
        fm = unk[rng.random(len(unk)) < p.false_match_rate] if len(refs) else unk[:0]
        fb = refs[rng.integers(0, max(1, len(refs)), len(fm))]
        fk = ~np.isin(fm * ns + fb, ta * ns + tb)
        fm, fb = fm[fk], fb[fk]
        f_score = rng.uniform(0.55, 0.9, len(fm))
        a = np.concatenate([ta, fm])
        b = np.concatenate([tb, fb])
        score = np.concatenate([t_score, f_score])
        true = np.r_[np.ones(len(ta), dtype=bool), np.zeros(len(fm), dtype=bool)]
        rel = np.where(true | (rng.random(len(a)) < 0.7), 0, 1)  # parent-child / sibling
        key = a * ns + b
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        o = np.lexsort((b[first], a[first]))
        sel = first[o]
        self.match_a, self.match_b = a[sel], b[sel]
        self.match_score, self.match_true, self.match_rel = score[sel], true[sel], rel[sel]

    # ---------------------------------------------------------------- duplicates

    def _duplicates(self) -> None:
        rng = self.rng("duplicates")
        p = self.p
        cand = np.flatnonzero(np.isin(self.cat, (MEMBER, BROKER, BUYER, VICTIM)))
        chosen = cand[rng.random(len(cand)) < p.duplicate_rate]
        twice = chosen[rng.random(len(chosen)) < 0.2]
        src = np.sort(np.concatenate([chosen, twice]), kind="stable")
        nd = len(src)
        self.dup_idx = self._add_people(
            DUPLICATE,
            nd,
            gender=self.gender[src],
            birth=self.birth[src],
            city=self.city[src],
            canon=src,
        )
        cols = {k: np.concatenate(v) for k, v in self._people.items()}
        self.cat, self.canon = cols["cat"], cols["canon"]
        self.gender, self.birth, self.city = cols["gender"], cols["birth"], cols["city"]
        self.gang, self.grole = cols["gang"], cols["grole"]
        self.activity = np.r_[self.activity, np.zeros(nd)]
        self.boss = np.r_[self.boss, np.full(nd, -1)]
        variant = rng.integers(0, 4, nd)  # transliteration typo order alias
        second = np.zeros(nd, dtype=bool)  # a second duplicate: another variant
        second[1:] = src[1:] == src[:-1]
        variant[second] = (
            variant[np.flatnonzero(second) - 1] + rng.integers(1, 4, int(second.sum()))
        ) % 4
        self.dup_variant = variant
        self.dup_birth_mode = rng.choice(3, size=nd, p=[0.7, 0.2, 0.1])  # same typo missing
        # other offices record some sightings and case roles under the duplicate
        first_dup = np.full(self.n_people, -1, dtype=np.int64)
        first_dup[src[::-1]] = self.dup_idx[::-1]
        for attr in ("sight_person", "susp_person", "vict_person"):
            arr = getattr(self, attr)
            alt = first_dup[arr]
            use = (alt >= 0) & (rng.random(len(arr)) < 0.3)
            setattr(self, attr, np.where(use, alt, arr))

    # ------------------------------------------------------ withheld transfers

    def _withhold_transfers(self) -> None:
        """``tr_public``: which transfers transfers.csv lists (exactly
        ``round(hide_transfers * transfers)`` are withheld), from a stream of its own."""
        nt = len(self.tr_from)
        hidden = round(self.p.hide_transfers * nt)
        self.tr_public = np.ones(nt, dtype=bool)
        if hidden:
            self.tr_public[self.rng("hide-transfers").permutation(nt)[:hidden]] = False

    # ------------------------------------------------------------------- summary

    def gang_ids(self) -> list[str]:
        width = max(3, len(str(self.ng)))
        return [f"G{i + 1:0{width}d}" for i in range(self.ng)]

    def counts(self) -> dict[str, int]:
        return {
            "gangs": self.ng,
            "gang_members": len(self.members),
            "brokers": len(self.brokers),
            "relatives": len(self.relatives),
            "bystanders": len(self.bystanders),
            "buyers": len(self.buyers),
            "victims": len(self.victims),
            "parents": len(self.parents),
            "found": len(self.found),
            "unknown_origin_decoys": len(self.decoys),
            "duplicate_records": len(self.dup_idx),
            "phones": len(self.ph_owner),
            "transfers": len(self.tr_from),
            "transfers_withheld": int((~self.tr_public).sum()),
            **{f"calls_{k}": v for k, v in self.call_kind_counts.items()},
        }
