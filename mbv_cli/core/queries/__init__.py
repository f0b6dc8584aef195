"""The Worker's SQL against its D1 schema: statements drawn from the code, prepared and planned by SQLite.

`extract` finds the statements (`prepare("...")`, `.exec`, statements in `batch([...])`, template
literals whose interpolations are placeholders or constants, tagged SQL helpers) with file:line and the
binding they go to; `schema` opens the binding's local D1 file read-only, or builds the schema in memory
by replaying the migrations; `check` prepares each statement there (`EXPLAIN QUERY PLAN`), reports what
does not prepare and the full scans an index would serve; `coercion` reports the columns whose type
affinity makes SQLite keep '123' and 123 apart. Codes MBV320-MBV324 (`codes`).
"""
