-- The language a chat or channel chose with `/lang` (issue 22). One row per chat; a
-- NULL `lang` is `/lang auto` (the choice cleared: replies follow each user's own
-- language again), kept as a row so who cleared it and when stays known.
CREATE TABLE chat_lang (
    platform TEXT NOT NULL,      -- telegram, discord
    chat_id  INTEGER NOT NULL,   -- the chat or channel
    lang     TEXT,               -- a tag of locales/ (en, zh-CN); NULL: automatic
    set_by   TEXT NOT NULL,      -- the admin's user id
    set_ms   INTEGER NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
