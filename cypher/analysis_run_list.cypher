// Analysis runs, optionally of one algorithm and/or one projection, oldest first.
MATCH (run:AnalysisRun)
WHERE ($algorithm IS NULL OR run.algorithm = $algorithm)
  AND ($projection IS NULL OR run.projection = $projection)
RETURN run.run_id AS run_id, run.kind AS kind, run.algorithm AS algorithm,
       run.engine AS engine, run.seed AS seed, run.projection AS projection,
       run.label AS label, run.nodes AS nodes, run.communities AS communities,
       run.modularity AS modularity, run.input_hash AS input_hash, run.started AS started,
       run.seconds AS seconds, run.status AS status
ORDER BY started, run_id
