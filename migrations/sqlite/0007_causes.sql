-- Why a Space is down (DESIGN.md "Root cause"): kept while it stays down, so the log
-- tail is read once per outage and the API, the page and /status can show it.
ALTER TABLE spaces ADD COLUMN cause_code TEXT;
ALTER TABLE spaces ADD COLUMN cause_summary TEXT;
ALTER TABLE spaces ADD COLUMN cause_evidence TEXT;
-- Deploys: the commit the Space runs (with its lastModified) and the one it ran at
-- its last good check; they differ when it broke after a commit.
ALTER TABLE spaces ADD COLUMN sha TEXT;
ALTER TABLE spaces ADD COLUMN sha_at_ms INTEGER;
ALTER TABLE spaces ADD COLUMN good_sha TEXT;

-- An incident's cause as classified when it opened (`cause` keeps the errorMessage).
ALTER TABLE incidents ADD COLUMN cause_code TEXT;
ALTER TABLE incidents ADD COLUMN cause_summary TEXT;
ALTER TABLE incidents ADD COLUMN cause_evidence TEXT;

-- Many Spaces failing alike: Hugging Face's problem. While one is open, automatic
-- repairs of its Spaces hold and their alerts are grouped.
CREATE TABLE platform_incidents (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    reason    TEXT NOT NULL,            -- a cause code, or hub_unavailable
    opened_ms INTEGER NOT NULL,
    closed_ms INTEGER,
    spaces    TEXT NOT NULL             -- owner/name ids, comma separated
);
CREATE INDEX platform_incidents_open ON platform_incidents (id) WHERE closed_ms IS NULL;
