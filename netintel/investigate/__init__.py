"""Investigations: trafficking chains, call-record analytics, aliases, DNA reunification, paths.

Each capability is a pure function over pandas frames or a networkx graph (frames in,
result out), in its topic module; :mod:`~netintel.investigate.readers` holds every
Neo4j reader, named after the pure function it feeds (``<pure_function>_of``:
:func:`sim_swaps_of` reads the calls and handsets and runs :func:`sim_swaps`) or the
frame it reads (:func:`calls_of`, :func:`transfers_of`), with named Cypher
(``cypher/*.cypher``). Every result says which records support it: an ``evidence``
column or attribute of :class:`Record` (kind, id, source file, row).

* :mod:`~netintel.investigate.chains` - victim chains, time-respecting transfer chains,
  chain brokers, precision/recall against a reference;
* :mod:`~netintel.investigate.calls` - contact profiles, common contacts, k-hop
  chaining, time-respecting call chains, bursts, burners, SIM swaps, co-location;
* :mod:`~netintel.investigate.infer` - hand-overs nobody recorded: missing hops of
  chains proposed from calls, sightings, case roles and transfer patterns
  (:mod:`~netintel.investigate.infer_records`: its frames from record files);
* :mod:`~netintel.investigate.aliases` - entity resolution (SAME_AS candidates);
* :mod:`~netintel.investigate.dna` - reunifications from DNA kinship matches;
* :mod:`~netintel.investigate.paths` - k-shortest paths with the records of every hop,
  over calls, transfers, cases, ties or all kinds of link;
* :mod:`~netintel.investigate.readers` - the Neo4j readers of all of them, the SAME_AS
  writers, and :func:`gangs_over_time_of` (gangs through time, one projection per
  window).

Results keep times in UTC and show them in the case's time zone
(:func:`case_timezone`, the zone of its latest ingest; ``tz=`` overrides it), with
names beside the ids of people.
"""

from netintel.investigate._base import Record, TableResult, as_calls, as_transfers
from netintel.investigate.aliases import (
    alias_candidates,
    alias_clusters,
    collapse_aliases,
    name_similarity,
    score_aliases,
)
from netintel.investigate.calls import (
    Burst,
    CallChain,
    CallChains,
    ContactProfile,
    burners,
    call_burst,
    call_chains,
    colocation,
    colocation_network,
    common_contacts,
    contact_hops,
    contact_profile,
    sim_swaps,
    tower_observations,
)
from netintel.investigate.chains import (
    Chain,
    Chains,
    chain_brokers,
    score_chains,
    transfer_chains,
    victim_chains,
)
from netintel.investigate.dna import reunifications
from netintel.investigate.infer import (
    InferredHandovers,
    InferredHop,
    baseline_handovers,
    infer_handovers,
    lift_calls,
    score_handovers,
    withheld_handovers,
)
from netintel.investigate.infer_records import handover_frames, infer_from_frames
from netintel.investigate.paths import (
    VIA,
    Link,
    Paths,
    Route,
    evidence_graph,
    k_shortest_paths,
    via_types,
)
from netintel.investigate.readers import (
    alias_candidates_of,
    alias_links_of,
    burners_of,
    call_burst_of,
    call_chains_of,
    calls_of,
    case_timezone,
    colocation_network_of,
    colocation_of,
    common_contacts_of,
    contact_hops_of,
    contact_profile_of,
    gangs_over_time_of,
    handover_frames_of,
    infer_handovers_of,
    k_shortest_paths_of,
    neighbourhood_edges_of,
    phones_of,
    reunifications_of,
    set_alias_status,
    sim_swaps_of,
    transfer_chains_of,
    transfers_of,
    victim_chains_of,
    write_candidates,
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
    "Link",
    "Paths",
    "Record",
    "Route",
    "TableResult",
    "alias_candidates",
    "alias_candidates_of",
    "alias_clusters",
    "alias_links_of",
    "as_calls",
    "as_transfers",
    "baseline_handovers",
    "burners",
    "burners_of",
    "call_burst",
    "call_burst_of",
    "call_chains",
    "call_chains_of",
    "calls_of",
    "case_timezone",
    "chain_brokers",
    "collapse_aliases",
    "colocation",
    "colocation_network",
    "colocation_network_of",
    "colocation_of",
    "common_contacts",
    "common_contacts_of",
    "contact_hops",
    "contact_hops_of",
    "contact_profile",
    "contact_profile_of",
    "evidence_graph",
    "gangs_over_time_of",
    "handover_frames",
    "handover_frames_of",
    "infer_from_frames",
    "infer_handovers",
    "infer_handovers_of",
    "k_shortest_paths",
    "k_shortest_paths_of",
    "lift_calls",
    "name_similarity",
    "neighbourhood_edges_of",
    "phones_of",
    "reunifications",
    "reunifications_of",
    "score_aliases",
    "score_chains",
    "score_handovers",
    "set_alias_status",
    "sim_swaps",
    "sim_swaps_of",
    "tower_observations",
    "transfer_chains",
    "transfer_chains_of",
    "transfers_of",
    "via_types",
    "victim_chains",
    "victim_chains_of",
    "withheld_handovers",
    "write_candidates",
]
