// Phones with a known handset (IMEI), with the record that says so.
MATCH (p:Phone)
WHERE p.imei IS NOT NULL
RETURN p.number AS number, p.imei AS imei, p.source AS source, p.source_row AS source_row
