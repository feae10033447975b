-- Sessions signed in with Hugging Face. See migrations/sqlite/0013.
ALTER TABLE sessions ADD COLUMN hf_user_id TEXT COLLATE "C";
ALTER TABLE sessions ADD COLUMN role TEXT COLLATE "C";
ALTER TABLE sessions ADD COLUMN expires_ms BIGINT;
