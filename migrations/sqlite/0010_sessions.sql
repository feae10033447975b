-- Signed-in page users (WEB_USERNAME). The cookie carries 32 random bytes; only their
-- SHA-256 is stored, so a copy of this file (a backup, a CI job's cache) holds no
-- session anyone could use. A session ends after 12 h without a request, or on
-- sign-out; expired rows are deleted when someone signs in.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,        -- hex SHA-256 of the cookie's value
    username   TEXT NOT NULL,
    csrf       TEXT NOT NULL,           -- random; every form of the session carries it
    created_ms INTEGER NOT NULL,
    seen_ms    INTEGER NOT NULL,        -- the last request; idle expiry counts from here
    flash      TEXT,                    -- one message for the next page (an action's outcome)
    flash_kind TEXT                     -- good | bad | warn | info
) WITHOUT ROWID;
CREATE INDEX sessions_by_seen ON sessions (seen_ms);
