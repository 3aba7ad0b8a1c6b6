"""Investigations: trafficking chains, call-record analytics, aliases, DNA reunification, paths.

Each capability is a pure function over pandas frames or a networkx graph (frames in,
result out) plus a thin reader that fetches the frames from Neo4j with named Cypher
(``cypher/*.cypher``) and calls it. Every result says which records support it: an
``evidence`` column or attribute of :class:`Record` (kind, id, source file, row).

* :mod:`~netintel.investigate.chains` - victim chains, time-respecting transfer chains,
  chain brokers, precision/recall against a reference;
* :mod:`~netintel.investigate.calls` - contact profiles, common contacts, k-hop
  chaining, time-respecting call chains, bursts, burners, SIM swaps, co-location;
* :mod:`~netintel.investigate.infer` - hand-overs nobody recorded: missing hops of
  chains proposed from calls, sightings, case roles and transfer patterns;
* :mod:`~netintel.investigate.aliases` - entity resolution (SAME_AS candidates);
* :mod:`~netintel.investigate.dna` - reunifications from DNA kinship matches;
* :mod:`~netintel.investigate.paths` - k-shortest paths with the records of every hop,
  over calls, transfers, cases, ties or all kinds of link;
* :mod:`~netintel.investigate.gangs` - gangs through time, one projection per window.

Results keep times in UTC and show them in the case's time zone
(:func:`case_timezone`, the zone of its latest ingest; ``tz=`` overrides it), with
names beside the ids of people.
"""

from netintel.investigate._base import (
    Record,
    TableResult,
    as_calls,
    as_transfers,
    case_timezone,
)
from netintel.investigate.aliases import (
    alias_candidates,
    alias_clusters,
    collapse_aliases,
    confirmed_links,
    find_alias_candidates,
    name_similarity,
    score_aliases,
    set_alias_status,
    write_candidates,
)
from netintel.investigate.calls import (
    Burst,
    CallChain,
    CallChains,
    ContactProfile,
    burners,
    burst_around,
    call_burst,
    call_chains,
    call_chains_between,
    colocated_people,
    colocated_phones,
    colocation,
    common_contacts,
    common_contacts_of,
    contact_hops,
    contact_hops_of,
    contact_profile,
    fetch_calls,
    find_burners,
    find_sim_swaps,
    phones_of,
    profile_of,
    sim_swaps,
    tower_observations,
)
from netintel.investigate.chains import (
    Chain,
    Chains,
    chain_brokers,
    fetch_transfers,
    find_transfer_chains,
    score_chains,
    transfer_chains,
    victim_chains,
    victim_chains_of,
)
from netintel.investigate.dna import find_reunifications, reunifications
from netintel.investigate.gangs import gangs_over_time_of
from netintel.investigate.infer import (
    InferredHandovers,
    InferredHop,
    baseline_handovers,
    infer_handovers,
    lift_calls,
    score_handovers,
    withheld_handovers,
)
from netintel.investigate.infer_records import (
    handover_frames,
    handover_frames_of,
    infer_from_frames,
    infer_handovers_of,
)
from netintel.investigate.paths import (
    VIA,
    Path,
    Paths,
    evidence_graph,
    k_shortest_paths,
    neighbourhood_edges,
    paths_between,
    via_types,
)

__all__ = [
    "VIA",
    "Burst",
    "CallChain",
    "CallChains",
    "Chain",
    "Chains",
    "ContactProfile",
    "InferredHandovers",
    "InferredHop",
    "Path",
    "Paths",
    "Record",
    "TableResult",
    "alias_candidates",
    "alias_clusters",
    "as_calls",
    "as_transfers",
    "baseline_handovers",
    "burners",
    "burst_around",
    "call_burst",
    "call_chains",
    "call_chains_between",
    "case_timezone",
    "chain_brokers",
    "collapse_aliases",
    "colocated_people",
    "colocated_phones",
    "colocation",
    "common_contacts",
    "common_contacts_of",
    "confirmed_links",
    "contact_hops",
    "contact_hops_of",
    "contact_profile",
    "evidence_graph",
    "fetch_calls",
    "fetch_transfers",
    "find_alias_candidates",
    "find_burners",
    "find_reunifications",
    "find_sim_swaps",
    "find_transfer_chains",
    "gangs_over_time_of",
    "handover_frames",
    "handover_frames_of",
    "infer_from_frames",
    "infer_handovers",
    "infer_handovers_of",
    "k_shortest_paths",
    "lift_calls",
    "name_similarity",
    "neighbourhood_edges",
    "paths_between",
    "phones_of",
    "profile_of",
    "reunifications",
    "score_aliases",
    "score_chains",
    "score_handovers",
    "set_alias_status",
    "sim_swaps",
    "tower_observations",
    "transfer_chains",
    "via_types",
    "victim_chains",
    "victim_chains_of",
    "withheld_handovers",
    "write_candidates",
]
