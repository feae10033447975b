-- Every command from chat or the API, accepted or refused: who, where, what, outcome.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    platform  TEXT NOT NULL,              -- telegram | discord | api
    user_id   TEXT NOT NULL,              -- numeric platform id
    chat_id   TEXT,
    command   TEXT NOT NULL,              -- e.g. "/restart alice/app"
    allowed   INTEGER NOT NULL,
    outcome   TEXT
);
CREATE INDEX audit_by_time ON audit (at_ms);

-- Pending confirmations (a /rebuild asks before acting): short tokens that fit in
-- Telegram's 64-byte callback_data, usable once, by the admin who asked, until expiry.
CREATE TABLE confirmations (
    token      TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,             -- rebuild
    space_id   TEXT NOT NULL,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    used_ms    INTEGER
);

-- Chat destinations that changed: a Telegram group migrated to a supergroup (moved),
-- or a chat that blocked or removed the bot (dead: no more sends).
CREATE TABLE destinations (
    destination TEXT PRIMARY KEY,         -- e.g. telegram:-100123
    state       TEXT NOT NULL,            -- dead | moved
    moved_to    TEXT,
    reason      TEXT,
    updated_ms  INTEGER NOT NULL
);
