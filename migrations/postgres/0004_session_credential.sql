-- Which credential each session signed in with. See migrations/sqlite/0012.
ALTER TABLE sessions ADD COLUMN credential TEXT COLLATE "C";
