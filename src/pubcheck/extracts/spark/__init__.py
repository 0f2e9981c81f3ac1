"""The Spark engine of the extracts stage (`--engine spark`): the same contracts, counts,
findings and recomputation as the polars engine, for data that lives where Spark runs.

Modules: `session` (the SparkSession: --spark-master, --spark-conf, local defaults), `translate`
(a compiled rule's polars expression as a Spark Column), `read` (extracts at local paths or
URIs, with the polars engine's structure findings and row numbers), `execute`
(`validate_extract(spark, path, stem)`), `recompute` (`aggregate(frames)`: the recomputation's
group-bys on Spark), `validate` (`run_extracts`: the whole `pubcheck validate` on Spark).

pyspark is imported by these modules, never by this package's __init__: nothing loads it
unless the Spark engine is asked for.
"""
