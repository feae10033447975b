-- Indexes that match the per-Space lookups (issue 25); see migrations/sqlite/0014.
-- spaces, incidents and actions have theirs since 0001 (`COLLATE nocase`).
CREATE INDEX rollup_daily_by_space_nocase ON rollup_daily (space_id COLLATE nocase, bucket_ms);
