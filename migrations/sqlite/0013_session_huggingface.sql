-- Sessions signed in with Hugging Face (issue 24): the user's Hugging Face id (`sub`),
-- the role worked out at sign-in (admin | viewer), and when the session ends at the
-- latest (the provider's token lifetime, hf_oauth_expiration_minutes). All null for a
-- password session. Their `credential` is the fingerprint of WEB_ADMINS and
-- WEB_VIEWERS, so a change of either list ends them.
ALTER TABLE sessions ADD COLUMN hf_user_id TEXT;
ALTER TABLE sessions ADD COLUMN role TEXT;
ALTER TABLE sessions ADD COLUMN expires_ms INTEGER;
