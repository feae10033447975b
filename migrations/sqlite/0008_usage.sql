-- Billed time per Space, hour and hardware flavor: what costs are computed from. A
-- Space counts as billing from one check to the next while its stage bills (at most an
-- hour: longer, nobody was checking). Kept as long as the hourly roll-ups.
CREATE TABLE usage_hourly (
    space_id   TEXT NOT NULL,
    bucket_ms  INTEGER NOT NULL,
    hardware   TEXT NOT NULL,
    billed_ms  INTEGER NOT NULL,
    PRIMARY KEY (space_id, bucket_ms, hardware)
) WITHOUT ROWID;
CREATE INDEX usage_by_time ON usage_hourly (bucket_ms);
