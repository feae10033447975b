-- Time nobody checked (spacewarden stopped, or its cycles stalled) counts as unknown,
-- never as up. Every check cycle notes itself here with the moment by which the next
-- one is due; a cycle that comes later than that records the silence before it.
CREATE TABLE cycle_watch (
    id          INTEGER PRIMARY KEY CHECK (id = 1),   -- one row
    last_ms     INTEGER NOT NULL,                     -- the latest cycle
    deadline_ms INTEGER                               -- NULL: the schedule never fires again
);

CREATE TABLE coverage_gaps (
    id       INTEGER PRIMARY KEY,
    start_ms INTEGER NOT NULL,        -- the last cycle before the silence
    end_ms   INTEGER NOT NULL         -- the first cycle after it
);
CREATE INDEX coverage_gaps_by_end ON coverage_gaps (end_ms);
