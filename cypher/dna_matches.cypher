// Kinship matches of every unknown-origin sample with a reference sample, with the found
// person, the reference donor (a parent), the case the donor reported, the missing person
// of that case (VICTIM_IN, else the donor's child by RELATIVE_OF), and the records.
MATCH (u:Sample {kind: 'unknown-origin'})-[m:MATCHES]-(r:Sample)
WHERE r.kind IS NULL OR r.kind <> 'unknown-origin'
OPTIONAL MATCH (f:Person)-[:GAVE]->(u)
OPTIONAL MATCH (p:Person)-[:GAVE]->(r)
OPTIONAL MATCH (p)-[rep:REPORTED]->(c:Case)
OPTIONAL MATCH (v:Person)-[:VICTIM_IN]->(c)
OPTIONAL MATCH (p)-[rel:RELATIVE_OF {relation: 'parent'}]->(child:Person)
WITH u, m, r, f, p, rep, c,
     CASE WHEN v IS NULL THEN child ELSE v END AS missing
RETURN DISTINCT u.sample_id AS unknown_sample, f.person_id AS found_person,
       r.sample_id AS reference_sample, p.person_id AS parent, m.score AS score,
       m.relation AS relation, c.case_id AS case_id, c.category AS category,
       missing.person_id AS missing_person, m.source AS match_source,
       m.source_row AS match_row, rep.source AS report_source, rep.source_row AS report_row
