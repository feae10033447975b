-- What the alert state machine and the repair ladder remember per Space.
ALTER TABLE spaces ADD COLUMN bad_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spaces ADD COLUMN good_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spaces ADD COLUMN bad_since_ms INTEGER;
ALTER TABLE spaces ADD COLUMN alerted TEXT;                      -- verdict a "down" was raised for
ALTER TABLE spaces ADD COLUMN announced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spaces ADD COLUMN last_alert_ms INTEGER;
ALTER TABLE spaces ADD COLUMN gave_up INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spaces ADD COLUMN muted_until_ms INTEGER;
ALTER TABLE spaces ADD COLUMN last_visit_ms INTEGER;             -- last successful app request
ALTER TABLE spaces ADD COLUMN incident_id INTEGER;               -- the open incident, if any

-- Outages: opened when a Space goes bad enough to alert, closed when it is back.
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    space_id    TEXT NOT NULL,
    opened_ms   INTEGER NOT NULL,
    closed_ms   INTEGER,
    verdict     TEXT NOT NULL,
    stage       TEXT,
    cause       TEXT,
    resolution  TEXT
);
CREATE INDEX incidents_by_space ON incidents (space_id, opened_ms);

-- Every action on a Space (repairs, wakes, and later commands), written before the
-- Hub is called and completed after: a crash never causes a second restart.
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    space_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,        -- restart | rebuild | wake | ...
    trigger     TEXT NOT NULL,        -- auto | manual
    actor       TEXT NOT NULL,        -- spacewarden, telegram:<id>, discord:<id>, api
    state       TEXT NOT NULL,        -- pending (recorded) | called (Hub accepted) | done
    result      TEXT,                 -- recovered | still_broken | failed | timeout | ...
    detail      TEXT,
    started_ms  INTEGER NOT NULL,
    finished_ms INTEGER,
    incident_id INTEGER
);
CREATE INDEX actions_by_space ON actions (space_id, started_ms);
CREATE INDEX actions_open ON actions (state) WHERE state <> 'done';

-- Alerts waiting to be delivered, one row per destination, sent in id order.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    destination     TEXT NOT NULL,
    payload         TEXT NOT NULL,    -- the alert as JSON
    created_ms      INTEGER NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT,
    sent_ms         INTEGER
);
CREATE INDEX outbox_pending ON outbox (destination, id) WHERE state = 'pending';

-- Roll-ups, kept up to date as checks are written, so uptime queries never scan raw
-- checks and raw rows can be pruned after a short window.
CREATE TABLE rollup_hourly (
    space_id    TEXT NOT NULL,
    bucket_ms   INTEGER NOT NULL,
    up          INTEGER NOT NULL,     -- checks with verdict up
    counted     INTEGER NOT NULL,     -- checks that count for uptime
    total       INTEGER NOT NULL,
    latency_sum REAL NOT NULL DEFAULT 0,
    latency_n   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (space_id, bucket_ms)
) WITHOUT ROWID;

CREATE TABLE rollup_daily (
    space_id    TEXT NOT NULL,
    bucket_ms   INTEGER NOT NULL,
    up          INTEGER NOT NULL,
    counted     INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    latency_sum REAL NOT NULL DEFAULT 0,
    latency_n   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (space_id, bucket_ms)
) WITHOUT ROWID;
