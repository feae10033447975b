-- Uptime over all Spaces reads a time range of the roll-ups; without these the range
-- on the second key column scans every row (90 days of hourly rows).
CREATE INDEX rollup_hourly_by_time ON rollup_hourly (bucket_ms);
CREATE INDEX rollup_daily_by_time ON rollup_daily (bucket_ms);
