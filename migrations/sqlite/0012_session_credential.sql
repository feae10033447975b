-- Which credential each session signed in with (issue 19, defect 5): an HMAC of the
-- user name and the configured password or hash, keyed by meta's `session_key`. A
-- session whose fingerprint is not the current one is refused, so a new password ends
-- every old session. Sessions from before this column have none and are refused too.
ALTER TABLE sessions ADD COLUMN credential TEXT;
