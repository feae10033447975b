-- Watched Spaces and what we last knew of each: the stage and since when (for the
-- start grace period), the verdict, and where the app answers.
CREATE TABLE spaces (
    space_id      TEXT PRIMARY KEY,          -- owner/name as the Hub spells it
    owner         TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_check_ms INTEGER NOT NULL,
    stage         TEXT,                      -- NULL while the Hub could not be asked
    stage_since_ms INTEGER,
    verdict       TEXT NOT NULL,
    verdict_since_ms INTEGER NOT NULL,
    hardware      TEXT,
    subdomain     TEXT,
    gc_timeout_s  INTEGER,
    private       INTEGER,
    error         TEXT
);

CREATE INDEX spaces_by_owner ON spaces (owner COLLATE NOCASE);

-- Every check result. Clustered on (space, time) so per-Space ranges are one seek
-- (toolchain notes: 20x faster uptime queries than a rowid table with an index).
CREATE TABLE checks (
    space_id       TEXT NOT NULL,
    at_ms          INTEGER NOT NULL,
    stage          TEXT,
    verdict        TEXT NOT NULL,
    hardware       TEXT,
    probe_status   INTEGER,
    probe_latency_ms REAL,
    probe_ok       INTEGER,
    error          TEXT,
    PRIMARY KEY (space_id, at_ms)
) WITHOUT ROWID;
