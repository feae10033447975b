-- Replicas (DESIGN.md "Replicas on Postgres"). One row: who leads and under which
-- epoch. A replica that wins the session advisory lock bumps the epoch; every write of
-- an action row or an outbox row re-reads it in its own transaction (FOR SHARE), so a
-- deposed leader's late write fails instead of landing beside the new leader's.
CREATE TABLE leader (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    epoch        BIGINT NOT NULL,
    holder       TEXT COLLATE "C" NOT NULL,        -- host:pid of the replica that holds it
    since_ms     BIGINT NOT NULL,
    heartbeat_ms BIGINT NOT NULL
);
INSERT INTO leader (id, epoch, holder, since_ms, heartbeat_ms) VALUES (1, 0, '', 0, 0);
