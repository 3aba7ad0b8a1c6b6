// When every case was opened (ISO date), for the inference of missing hand-overs.
MATCH (c:Case)
WHERE c.opened IS NOT NULL
RETURN c.case_id AS case_id, toString(c.opened) AS opened
