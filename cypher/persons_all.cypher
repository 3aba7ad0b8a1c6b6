// Every Person with the fields entity resolution compares, and the record that says so.
MATCH (p:Person)
RETURN p.person_id AS person_id, p.name AS name, p.aliases AS aliases, p.gender AS gender,
       toString(p.birth_date) AS birth_date, p.national_id AS national_id,
       p.source AS source, p.source_row AS source_row
