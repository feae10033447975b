-- Mutating requests that reached a follower replica (Postgres; DESIGN.md "Replicas on
-- Postgres"): written here, carried out once by the leader, answered through the row.
-- Kept in SQLite too so both backends have one store API; a single process never
-- writes to it.
CREATE TABLE requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor       TEXT NOT NULL,         -- the Actor as JSON
    command     TEXT NOT NULL,         -- the Command as JSON
    state       TEXT NOT NULL DEFAULT 'pending',  -- pending | running | done | expired | interrupted
    epoch       INTEGER,               -- the leader epoch that claimed it
    response    TEXT,                  -- outcome and reply as JSON
    created_ms  INTEGER NOT NULL,
    finished_ms INTEGER
);
CREATE INDEX requests_open ON requests (id) WHERE state IN ('pending', 'running');
