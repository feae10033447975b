-- Indexes that match the per-Space lookups (issue 25). The store finds a Space's rows
-- with `space_id = $1 COLLATE NOCASE` (the Hub treats ids case-insensitively), which a
-- binary primary key cannot serve: each lookup scanned its table, and storing a cycle
-- was O(N²) in the number of Spaces (1.1 ms a lookup at 10,000). src/store/tests/plans.rs
-- fails on any per-Space statement that scans a table growing with the Spaces.
CREATE INDEX spaces_by_id_nocase ON spaces (space_id COLLATE NOCASE);

-- Replaced, not added to: every query on these compares the id case-insensitively.
DROP INDEX incidents_by_space;
CREATE INDEX incidents_by_space ON incidents (space_id COLLATE NOCASE, opened_ms);
DROP INDEX actions_by_space;
CREATE INDEX actions_by_space ON actions (space_id COLLATE NOCASE, started_ms);

-- One Space's uptime bar read every Space's recent days through rollup_daily_by_time.
CREATE INDEX rollup_daily_by_space_nocase ON rollup_daily (space_id COLLATE NOCASE, bucket_ms);
