-- The language a chat or channel chose with `/lang` (issue 22); see migrations/sqlite/0016.
CREATE TABLE chat_lang (
    platform TEXT NOT NULL,
    chat_id  BIGINT NOT NULL,
    lang     TEXT,
    set_by   TEXT NOT NULL,
    set_ms   BIGINT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
