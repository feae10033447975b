-- What the owner asked for (hardware.requested) and how long it has differed from what
-- runs (hardware.current): one drift alert goes out once past a grace period.
ALTER TABLE spaces ADD COLUMN requested_hardware TEXT;
ALTER TABLE spaces ADD COLUMN drift_since_ms INTEGER;
ALTER TABLE spaces ADD COLUMN drift_alerted INTEGER NOT NULL DEFAULT 0;

-- Small facts spacewarden keeps about itself, e.g. the day the savings line went out.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
