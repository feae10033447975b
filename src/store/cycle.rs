//! Storing one cycle's observations in batches (issue 25). Row by row, a cycle cost
//! about six statements per Space (the raw check, two roll-ups, the previous check for
//! billed time, the billed time, the Space's summary). Here a batch of up to `BATCH`
//! Spaces costs one multi-row statement of each kind, all in the caller's transaction:
//! the statement count of a cycle is O(N / BATCH), each statement a plain equality on
//! the canonical key (`SpaceId::key`).
//!
//! A batch never holds one Space twice, so a multi-row upsert never touches a row twice
//! (Postgres refuses that) and each Space's "previous check" is the stored one.

use std::collections::{HashMap, HashSet};

use super::checks::counts_for_uptime;
use super::usage::{HOUR_MS, MAX_SPAN_MS};
use super::{StoreError, StoreTx, ms, nullable_real};
use crate::domain::{Health, Observation, SpaceCheck, Stage, Verdict};

/// Spaces per batch. The widest row, a Space's summary, binds 19 parameters. Not
/// more: SQLite treats `$N` as a named parameter and finds each name by a linear search
/// while preparing, so preparing a statement costs O(parameters²). At 500 Spaces a batch
/// (9,500 parameters) `check` at 1,000 Spaces took 0.5 s more CPU than row by row; at
/// 100 (1,900) a batch's statements are prepared in milliseconds, once per connection
/// for full batches (sqlx caches them by text).
pub(super) const BATCH: usize = 100;

const DAY_MS: i64 = 86_400_000;

/// `head`, then `row` once per row with its parameters `$1…$width` renumbered for
/// that row (`$1` of the second row is `$width+1`), then `tail`.
pub(super) fn multi_row(head: &str, row: &str, width: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * (row.len() + 16));
    sql.push_str(head);
    for n in 0..rows {
        if n > 0 {
            sql.push_str(",\n");
        }
        let mut rest = row;
        while let Some(at) = rest.find('$') {
            sql.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let param: usize = rest[..digits].parse().unwrap_or(0);
            sql.push_str(&(param + n * width).to_string());
            rest = &rest[digits..];
        }
        sql.push_str(rest);
    }
    sql.push_str(tail);
    sql
}

/// Each Space's previous check, read before its summary is overwritten (billed time).
pub(super) fn previous_sql(rows: usize) -> String {
    multi_row(
        "SELECT space_id, stage, hardware, last_check_ms FROM spaces WHERE space_id IN (",
        "$1",
        1,
        rows,
        ")",
    )
}

pub(super) fn insert_checks_sql(rows: usize) -> String {
    multi_row(
        "INSERT INTO checks (space_id, at_ms, stage, verdict, hardware,
                    probe_status, probe_latency_ms, probe_ok, error) VALUES ",
        // Never an `Option<f64>` (see `nullable_real`): $7 and its presence, $10.
        "($1, $2, $3, $4, $5, $6, CASE WHEN $10 <> 0 THEN $7 END, $8, $9)",
        10,
        rows,
        " ON CONFLICT (space_id, at_ms) DO UPDATE SET
    stage = excluded.stage, verdict = excluded.verdict, hardware = excluded.hardware,
    probe_status = excluded.probe_status, probe_latency_ms = excluded.probe_latency_ms,
    probe_ok = excluded.probe_ok, error = excluded.error",
    )
}

/// Adds one check per row to its hourly or daily roll-up (`table`).
pub(super) fn rollups_sql(table: &str, rows: usize) -> String {
    multi_row(
        &format!(
            "INSERT INTO {table} (space_id, bucket_ms, up, counted, total, latency_sum, latency_n) VALUES "
        ),
        "($1, $2, $3, $4, 1, $5, $6)",
        6,
        rows,
        &format!(
            " ON CONFLICT (space_id, bucket_ms) DO UPDATE SET
    up = {table}.up + excluded.up, counted = {table}.counted + excluded.counted,
    total = {table}.total + 1,
    latency_sum = {table}.latency_sum + excluded.latency_sum,
    latency_n = {table}.latency_n + excluded.latency_n"
        ),
    )
}

/// Adds billed time to an hour's bucket.
pub(super) fn add_usage_sql(rows: usize) -> String {
    multi_row(
        "INSERT INTO usage_hourly (space_id, bucket_ms, hardware, billed_ms) VALUES ",
        "($1, $2, $3, $4)",
        4,
        rows,
        " ON CONFLICT (space_id, bucket_ms, hardware)
    DO UPDATE SET billed_ms = usage_hourly.billed_ms + excluded.billed_ms",
    )
}

/// Each Space's summary row. `display_id` follows the newest spelling, as the case
/// merge of migrations/sqlite/0015 does.
pub(super) fn upsert_spaces_sql(rows: usize) -> String {
    multi_row(
        "INSERT INTO spaces (space_id, owner, first_seen_ms, last_check_ms, stage, stage_since_ms,
                    verdict, verdict_since_ms, hardware, subdomain, gc_timeout_s, private, error,
                    cause_code, cause_summary, cause_evidence, sha, sha_at_ms, good_sha,
                    requested_hardware, last_visit_ms, display_id) VALUES ",
        "($1, $2, $3, $3, $4, $3, $5, $3, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
        CASE WHEN $16 <> 0 THEN $14 END, $17, CASE WHEN $18 <> 0 THEN $3 END, $19)",
        19,
        rows,
        UPSERT_SPACE_TAIL,
    )
}

const UPSERT_SPACE_TAIL: &str = "
ON CONFLICT (space_id) DO UPDATE SET
    display_id = excluded.display_id,
    last_check_ms = excluded.last_check_ms,
    -- An unreachable Hub tells nothing about the stage: keep the last known one and
    -- its start, so a BUILDING timer is not reset by a Hub outage.
    stage_since_ms = CASE
        WHEN excluded.stage IS NULL OR spaces.stage IS NOT DISTINCT FROM excluded.stage THEN spaces.stage_since_ms
        ELSE excluded.stage_since_ms END,
    stage = COALESCE(excluded.stage, spaces.stage),
    verdict_since_ms = CASE
        WHEN spaces.verdict = excluded.verdict THEN spaces.verdict_since_ms
        ELSE excluded.verdict_since_ms END,
    verdict = excluded.verdict,
    hardware = CASE WHEN excluded.stage IS NULL THEN spaces.hardware ELSE excluded.hardware END,
    subdomain = COALESCE(excluded.subdomain, spaces.subdomain),
    gc_timeout_s = CASE WHEN excluded.stage IS NULL THEN spaces.gc_timeout_s ELSE excluded.gc_timeout_s END,
    private = COALESCE(excluded.private, spaces.private),
    error = excluded.error,
    -- An unreachable Hub says nothing about why the Space is down: keep the cause.
    cause_code = CASE WHEN excluded.stage IS NULL THEN spaces.cause_code ELSE excluded.cause_code END,
    cause_summary = CASE WHEN excluded.stage IS NULL THEN spaces.cause_summary ELSE excluded.cause_summary END,
    cause_evidence = CASE WHEN excluded.stage IS NULL THEN spaces.cause_evidence ELSE excluded.cause_evidence END,
    sha_at_ms = CASE WHEN excluded.sha IS NULL THEN spaces.sha_at_ms ELSE excluded.sha_at_ms END,
    sha = COALESCE(excluded.sha, spaces.sha),
    good_sha = COALESCE(excluded.good_sha, spaces.good_sha),
    -- Written here rather than by two more statements per Space (issue 25): the
    -- hardware asked for when the Hub said, the visit when the app answered.
    requested_hardware = COALESCE(excluded.requested_hardware, spaces.requested_hardware),
    last_visit_ms = COALESCE(excluded.last_visit_ms, spaces.last_visit_ms)";

/// One observation of a batch, with its canonical key.
struct Entry<'a> {
    obs: &'a Observation,
    key: String,
    at: i64,
}

/// The observations cut into batches of at most `BATCH`, none holding a key twice.
fn batches(observations: &[Observation]) -> Vec<Vec<Entry<'_>>> {
    let mut out = Vec::new();
    let mut batch: Vec<Entry> = Vec::new();
    let mut keys = HashSet::new();
    for obs in observations {
        let key = obs.label().to_ascii_lowercase();
        if batch.len() == BATCH || keys.contains(&key) {
            out.push(std::mem::take(&mut batch));
            keys.clear();
        }
        keys.insert(key.clone());
        let at = ms(obs.at());
        batch.push(Entry { obs, key, at });
    }
    if !batch.is_empty() {
        out.push(batch);
    }
    out
}

/// A Space's previous stage, hardware and check time, by key.
type Previous = HashMap<String, (Option<String>, Option<String>, i64)>;

impl StoreTx {
    /// One observation: the raw row, both roll-ups, billed time and the summary.
    pub async fn record_observation(&mut self, obs: &Observation) -> Result<(), StoreError> {
        self.record_observations(std::slice::from_ref(obs)).await
    }

    /// A cycle's observations, in batches (see the module's documentation).
    pub async fn record_observations(
        &mut self,
        observations: &[Observation],
    ) -> Result<(), StoreError> {
        for batch in batches(observations) {
            self.record_batch(&batch).await?;
        }
        Ok(())
    }

    async fn record_batch(&mut self, batch: &[Entry<'_>]) -> Result<(), StoreError> {
        // A whole owner that could not be listed has no Space row (nor billed time).
        let spaces: Vec<(&Entry, &SpaceCheck)> = batch
            .iter()
            .filter_map(|e| e.obs.checked().map(|check| (e, check)))
            .collect();
        let previous = self.previous(&spaces).await?;
        self.insert_checks(batch).await?;
        for (table, size) in [("rollup_hourly", HOUR_MS), ("rollup_daily", DAY_MS)] {
            self.add_rollups(batch, table, size).await?;
        }
        self.add_usage(&spaces, &previous).await?;
        self.upsert_spaces(&spaces).await
    }

    async fn previous(
        &mut self,
        spaces: &[(&Entry<'_>, &SpaceCheck)],
    ) -> Result<Previous, StoreError> {
        if spaces.is_empty() {
            return Ok(Previous::new());
        }
        let sql = previous_sql(spaces.len());
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for (entry, _) in spaces {
            query = query.bind(entry.key.as_str());
        }
        let rows: Vec<(String, Option<String>, Option<String>, i64)> =
            query.fetch_all(&mut *self.tx).await?;
        Ok(rows
            .into_iter()
            .map(|(key, stage, hardware, last)| (key, (stage, hardware, last)))
            .collect())
    }

    async fn insert_checks(&mut self, batch: &[Entry<'_>]) -> Result<(), StoreError> {
        let sql = insert_checks_sql(batch.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for Entry { obs, key, at } in batch {
            let check = obs.checked();
            let probe = check.and_then(|c| c.probe.as_ref());
            let (latency_ms, has_latency) = nullable_real(probe.and_then(|p| p.latency_ms));
            query = query
                .bind(key.as_str())
                .bind(*at)
                .bind(obs.stage().map(|s| s.as_str().to_owned()))
                .bind(obs.verdict().as_str())
                .bind(check.and_then(|c| c.hardware.clone()))
                .bind(probe.and_then(|p| p.status).map(i64::from))
                .bind(latency_ms)
                .bind(probe.map(|p| i64::from(p.ok)))
                .bind(obs.error().map(str::to_owned))
                .bind(has_latency);
        }
        query.execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn add_rollups(
        &mut self,
        batch: &[Entry<'_>],
        table: &str,
        size: i64,
    ) -> Result<(), StoreError> {
        let sql = rollups_sql(table, batch.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for Entry { obs, key, at } in batch {
            let verdict = obs.verdict();
            let probe = obs.checked().and_then(|c| c.probe.as_ref());
            let latency = probe.filter(|p| p.ok).and_then(|p| p.latency_ms);
            query = query
                .bind(key.as_str())
                .bind(at - at.rem_euclid(size))
                .bind(i64::from(verdict == Verdict::Up))
                .bind(i64::from(counts_for_uptime(verdict)))
                .bind(latency.unwrap_or(0.0))
                .bind(i64::from(latency.is_some()));
        }
        query.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// The time since each Space's previous check, if that check found it on billing
    /// hardware, added to the hour of that check.
    async fn add_usage(
        &mut self,
        spaces: &[(&Entry<'_>, &SpaceCheck)],
        previous: &Previous,
    ) -> Result<(), StoreError> {
        let billed: Vec<(&str, i64, &str, i64)> = spaces
            .iter()
            .filter_map(|(entry, _)| {
                let (Some(stage), Some(hardware), last) = previous.get(&entry.key)? else {
                    return None;
                };
                let span = (entry.at - last).min(MAX_SPAN_MS);
                (span > 0 && Stage::parse(stage).bills()).then(|| {
                    let hour = last - last.rem_euclid(HOUR_MS);
                    (entry.key.as_str(), hour, hardware.as_str(), span)
                })
            })
            .collect();
        if billed.is_empty() {
            return Ok(());
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(add_usage_sql(billed.len())));
        for (key, hour, hardware, span) in billed {
            query = query.bind(key).bind(hour).bind(hardware).bind(span);
        }
        query.execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn upsert_spaces(
        &mut self,
        spaces: &[(&Entry<'_>, &SpaceCheck)],
    ) -> Result<(), StoreError> {
        if spaces.is_empty() {
            return Ok(());
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(upsert_spaces_sql(spaces.len())));
        for (entry, obs) in spaces {
            let cause = obs.cause.as_ref();
            let revision = obs.revision.as_ref();
            query = query
                .bind(entry.key.as_str())
                .bind(obs.space.owner().to_ascii_lowercase())
                .bind(entry.at)
                .bind(obs.stage.as_ref().map(|s| s.as_str().to_owned()))
                .bind(obs.verdict.as_str())
                .bind(obs.hardware.clone())
                .bind(obs.subdomain.clone())
                .bind(obs.gc_timeout.and_then(|t| i64::try_from(t).ok()))
                .bind(obs.private.map(i64::from))
                .bind(obs.error.clone())
                .bind(cause.map(|c| c.code.as_str()))
                .bind(cause.map(|c| c.summary.clone()))
                .bind(cause.map(|c| c.evidence.clone()))
                .bind(revision.map(|r| r.sha.clone()))
                .bind(revision.and_then(|r| r.last_modified).map(ms))
                .bind(i64::from(Health::of(obs.verdict) == Health::Good))
                .bind(obs.requested_hardware.clone())
                .bind(i64::from(obs.probe.as_ref().is_some_and(|p| p.ok)))
                .bind(obs.space.to_string());
        }
        query.execute(&mut *self.tx).await?;
        self.touch(spaces.iter().map(|(entry, _)| entry.key.clone()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_renumbered() {
        assert_eq!(
            multi_row("V ", "($1, $2, $1)", 2, 3, ";"),
            "V ($1, $2, $1),\n($3, $4, $3),\n($5, $6, $5);"
        );
        assert_eq!(previous_sql(2).matches('$').count(), 2);
        assert!(upsert_spaces_sql(2).contains("$38)"));
    }
}
