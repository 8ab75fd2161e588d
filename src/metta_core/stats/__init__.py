"""The DuckDB stats database: one versioned schema, a transactional writer, merging and export.

Everything here works on ordinary DuckDB files that a user can open with `metta stats` or the
`duckdb` shell; nothing here runs environments or prints.
"""
