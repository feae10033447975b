-- Canonical Space ids (issue 25). The Hub treats `owner/name` case-insensitively, and
-- the store compared ids with `COLLATE NOCASE`, which the binary keys could not serve.
-- From here on every table keyed by a Space stores the id lowercased (`SpaceId::key`),
-- so each lookup is a plain equality on the key, and `spaces.display_id` keeps the id
-- as the Hub or the user spelled it, for JSON and pages. `spaces.owner` is lowercased
-- too. NULL in `display_id` reads as `space_id` (the store never writes one).
--
-- Rows that differ only by case are one Space, merged into the newest spelling: the
-- `spaces` row checked most recently (then: whose verdict changed last, then the
-- bytewise smallest id) stays, its display form is that spelling, and the other
-- spellings' `spaces` rows are deleted with their alert memory, mute and streaks. Their
-- history is re-keyed to the canonical id: incidents and actions all kept (an open
-- incident of a losing spelling is closed as `merged` when the winner was last checked,
-- so the Space has at most one open incident), raw checks kept except at an instant the
-- winner also has a check, roll-ups of the same bucket summed, billed time of the same
-- hour and hardware summed and capped at the hour. src/store/tests/merge.rs tests it.

DROP INDEX spaces_by_id_nocase;
DROP INDEX spaces_by_owner;
DROP INDEX incidents_by_space;
DROP INDEX actions_by_space;
DROP INDEX rollup_daily_by_space_nocase;

ALTER TABLE spaces ADD COLUMN display_id TEXT;

-- Every spelling with a `spaces` row, ranked within its case group (1 stays).
CREATE TABLE case_merge AS
SELECT space_id AS old_id, lower(space_id) AS new_id, last_check_ms,
       ROW_NUMBER() OVER (PARTITION BY lower(space_id)
                          ORDER BY last_check_ms DESC, verdict_since_ms DESC, space_id) AS rank
FROM spaces;

UPDATE incidents SET resolution = 'merged',
    closed_ms = MAX(opened_ms, (SELECT w.last_check_ms FROM case_merge AS m
                                JOIN case_merge AS w ON w.new_id = m.new_id AND w.rank = 1
                                WHERE m.old_id = incidents.space_id))
WHERE closed_ms IS NULL AND space_id IN (SELECT old_id FROM case_merge WHERE rank > 1);

DELETE FROM spaces WHERE space_id IN (SELECT old_id FROM case_merge WHERE rank > 1);
UPDATE spaces SET display_id = space_id, space_id = lower(space_id), owner = lower(owner);

UPDATE incidents SET space_id = lower(space_id) WHERE space_id <> lower(space_id);
UPDATE actions SET space_id = lower(space_id) WHERE space_id <> lower(space_id);

-- Raw checks: at an instant two spellings were both checked, the better ranked one's
-- row stays (a spelling without a `spaces` row ranks last).
DELETE FROM checks WHERE (space_id, at_ms) IN (
    SELECT space_id, at_ms FROM (
        SELECT c.space_id, c.at_ms,
               ROW_NUMBER() OVER (PARTITION BY lower(c.space_id), c.at_ms
                                  ORDER BY COALESCE(m.rank, 1000000000), c.space_id) AS n
        FROM checks AS c LEFT JOIN case_merge AS m ON m.old_id = c.space_id
    ) AS ranked WHERE n > 1);
UPDATE checks SET space_id = lower(space_id) WHERE space_id <> lower(space_id);

CREATE TABLE merged_hourly AS
SELECT lower(space_id) AS space_id, bucket_ms, SUM(up) AS up, SUM(counted) AS counted,
       SUM(total) AS total, SUM(latency_sum) AS latency_sum, SUM(latency_n) AS latency_n
FROM rollup_hourly GROUP BY lower(space_id), bucket_ms HAVING COUNT(*) > 1;
DELETE FROM rollup_hourly
WHERE (lower(space_id), bucket_ms) IN (SELECT space_id, bucket_ms FROM merged_hourly);
UPDATE rollup_hourly SET space_id = lower(space_id) WHERE space_id <> lower(space_id);
INSERT INTO rollup_hourly (space_id, bucket_ms, up, counted, total, latency_sum, latency_n)
SELECT space_id, bucket_ms, up, counted, total, latency_sum, latency_n FROM merged_hourly;
DROP TABLE merged_hourly;

CREATE TABLE merged_daily AS
SELECT lower(space_id) AS space_id, bucket_ms, SUM(up) AS up, SUM(counted) AS counted,
       SUM(total) AS total, SUM(latency_sum) AS latency_sum, SUM(latency_n) AS latency_n
FROM rollup_daily GROUP BY lower(space_id), bucket_ms HAVING COUNT(*) > 1;
DELETE FROM rollup_daily
WHERE (lower(space_id), bucket_ms) IN (SELECT space_id, bucket_ms FROM merged_daily);
UPDATE rollup_daily SET space_id = lower(space_id) WHERE space_id <> lower(space_id);
INSERT INTO rollup_daily (space_id, bucket_ms, up, counted, total, latency_sum, latency_n)
SELECT space_id, bucket_ms, up, counted, total, latency_sum, latency_n FROM merged_daily;
DROP TABLE merged_daily;

CREATE TABLE merged_usage AS
SELECT lower(space_id) AS space_id, bucket_ms, hardware,
       MIN(SUM(billed_ms), 3600000) AS billed_ms
FROM usage_hourly GROUP BY lower(space_id), bucket_ms, hardware HAVING COUNT(*) > 1;
DELETE FROM usage_hourly WHERE (lower(space_id), bucket_ms, hardware)
    IN (SELECT space_id, bucket_ms, hardware FROM merged_usage);
UPDATE usage_hourly SET space_id = lower(space_id) WHERE space_id <> lower(space_id);
INSERT INTO usage_hourly (space_id, bucket_ms, hardware, billed_ms)
SELECT space_id, bucket_ms, hardware, billed_ms FROM merged_usage;
DROP TABLE merged_usage;

DROP TABLE case_merge;

-- Plain indexes: the keys are compared as stored. rollup_daily's primary key
-- (space_id, bucket_ms) serves one Space's days.
CREATE INDEX spaces_by_owner ON spaces (owner);
CREATE INDEX incidents_by_space ON incidents (space_id, opened_ms);
CREATE INDEX actions_by_space ON actions (space_id, started_ms);
