// The PREDICTED links of analysis run $run_id (null: of every run), with both people's names,
// ordered by run and rank.
MATCH (a:Person)-[p:PREDICTED]->(b:Person)
WHERE $run_id IS NULL OR p.run = $run_id
RETURN p.run AS run, p.rank AS rank, a.person_id AS u, a.name AS u_name, b.person_id AS v,
       b.name AS v_name, p.method AS method, p.score AS score, p.hops AS hops,
       p.common AS common, p.common_contacts AS common_contacts
ORDER BY run, rank
