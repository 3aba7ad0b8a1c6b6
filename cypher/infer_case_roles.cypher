// The people of every case with their role (SUSPECT_IN role; victims as role 'victim'),
// and the record that says so.
MATCH (p:Person)-[s:SUSPECT_IN]->(c:Case)
RETURN p.person_id AS person_id, c.case_id AS case_id, coalesce(s.role, 'suspect') AS role,
       s.source AS source, s.source_row AS source_row
UNION ALL
MATCH (p:Person)-[s:VICTIM_IN]->(c:Case)
RETURN p.person_id AS person_id, c.case_id AS case_id, 'victim' AS role,
       s.source AS source, s.source_row AS source_row
