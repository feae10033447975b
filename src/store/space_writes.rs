//! What a cycle's decisions write to each Space's row (issue 25): the alert memory
//! (every Space checked: its streaks move each cycle), the hardware drift and the
//! "gave up" flag, in batches. One statement per Space was the largest per-Space cost
//! left after `cycle.rs` batched the observations: a cycle of 10,000 Spaces sent 10,000
//! `UPDATE`s for the memory alone. Here a batch of up to `BATCH` Spaces is one
//! statement: the rows as a `VALUES` list, joined to `spaces` on the canonical key
//! (`WITH v(…) AS (VALUES …) UPDATE spaces … FROM v`, which SQLite since 3.33 and
//! Postgres both read). The single-Space writes (a repair's recovery) are a batch of one.
//!
//! A batch never holds one Space twice: the last write of a Space wins, as it would
//! row by row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::cycle::{BATCH, multi_row};
use super::{Store, StoreError, StoreTx, ms};
use crate::domain::{AlertMemory, SpaceId, Verdict};

/// A hardware drift as stored: since when (`None`: none), and whether it was alerted.
pub type Drift = (Option<DateTime<Utc>>, bool);

/// `UPDATE spaces SET <set> FROM` the `rows` of `VALUES`, columns `columns` (`k`, the
/// key, first), one `$N` per column per row.
fn update_from_values(columns: &[&str], set: &str, rows: usize) -> String {
    let width = columns.len();
    let row: Vec<String> = (1..=width).map(|n| format!("${n}")).collect();
    multi_row(
        &format!("WITH v({}) AS (VALUES ", columns.join(", ")),
        &format!("({})", row.join(", ")),
        width,
        rows,
        &format!(") UPDATE spaces SET {set} FROM v WHERE spaces.space_id = v.k"),
    )
}

pub(super) fn save_memory_sql(rows: usize) -> String {
    update_from_values(
        &["k", "bad", "good", "since", "alerted", "announced", "last"],
        "bad_streak = v.bad, good_streak = v.good, bad_since_ms = v.since, alerted = v.alerted,
         announced = v.announced, last_alert_ms = v.last",
        rows,
    )
}

pub(super) fn set_drift_sql(rows: usize) -> String {
    update_from_values(
        &["k", "since", "alerted"],
        "drift_since_ms = v.since, drift_alerted = v.alerted",
        rows,
    )
}

pub(super) fn set_gave_up_sql(rows: usize) -> String {
    update_from_values(&["k", "gave_up"], "gave_up = v.gave_up", rows)
}

pub(super) fn set_last_visit_sql(rows: usize) -> String {
    update_from_values(&["k", "at"], "last_visit_ms = v.at", rows)
}

/// `rows` by key, the last of a key kept (where it stood last), cut into batches.
fn batched<'a, T>(rows: &'a [(&'a SpaceId, T)]) -> Vec<Vec<(String, &'a T)>> {
    let mut last: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (i, (space, _)) in rows.iter().enumerate() {
        last.insert(space.key(), i);
    }
    let kept: Vec<(String, &T)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, (space, value))| {
            let key = space.key();
            (last.get(&key) == Some(&i)).then_some((key, value))
        })
        .collect();
    let mut out = Vec::with_capacity(kept.len().div_ceil(BATCH));
    let mut rest = kept.into_iter().peekable();
    while rest.peek().is_some() {
        out.push(rest.by_ref().take(BATCH).collect());
    }
    out
}

impl StoreTx {
    /// Each Space's alert memory.
    pub async fn save_memories(
        &mut self,
        rows: &[(&SpaceId, AlertMemory)],
    ) -> Result<(), StoreError> {
        for batch in batched(rows) {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(save_memory_sql(batch.len())));
            for (key, memory) in &batch {
                query = query
                    .bind(key.as_str())
                    .bind(i64::from(memory.bad_streak))
                    .bind(i64::from(memory.good_streak))
                    .bind(memory.bad_since.map(ms))
                    .bind(memory.alerted.map(Verdict::as_str))
                    .bind(i64::from(memory.announced))
                    .bind(memory.last_alert.map(ms));
            }
            query.execute(&mut *self.tx).await?;
            self.touch(batch.into_iter().map(|(key, _)| key));
        }
        Ok(())
    }

    /// Since when each Space's requested hardware differs from what runs (`None`: it
    /// does not), and whether that was alerted.
    pub async fn set_drifts(&mut self, rows: &[(&SpaceId, Drift)]) -> Result<(), StoreError> {
        for batch in batched(rows) {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(set_drift_sql(batch.len())));
            for (key, (since, alerted)) in &batch {
                query = query
                    .bind(key.as_str())
                    .bind(since.map(ms))
                    .bind(i64::from(*alerted));
            }
            query.execute(&mut *self.tx).await?;
            self.touch(batch.into_iter().map(|(key, _)| key));
        }
        Ok(())
    }

    /// Whether the repair ladder gave up on each Space.
    pub async fn set_gave_ups(&mut self, rows: &[(&SpaceId, bool)]) -> Result<(), StoreError> {
        for batch in batched(rows) {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(set_gave_up_sql(batch.len())));
            for (key, gave_up) in &batch {
                query = query.bind(key.as_str()).bind(i64::from(**gave_up));
            }
            query.execute(&mut *self.tx).await?;
            self.touch(batch.into_iter().map(|(key, _)| key));
        }
        Ok(())
    }
}

impl Store {
    /// Records successful visits of the apps (keep-alive), all at `at`, in one
    /// transaction.
    pub async fn set_last_visits(
        &self,
        spaces: &[SpaceId],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if spaces.is_empty() {
            return Ok(());
        }
        let rows: Vec<(&SpaceId, i64)> = spaces.iter().map(|space| (space, ms(at))).collect();
        let mut tx = self.begin().await?;
        for batch in batched(&rows) {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(set_last_visit_sql(batch.len())));
            for (key, at) in &batch {
                query = query.bind(key.as_str()).bind(**at);
            }
            query.execute(&mut *tx.tx).await?;
            tx.touch(batch.into_iter().map(|(key, _)| key));
        }
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_statement_a_batch_the_last_write_of_a_space_kept() {
        assert_eq!(
            set_gave_up_sql(2),
            "WITH v(k, gave_up) AS (VALUES ($1, $2),\n($3, $4)) \
             UPDATE spaces SET gave_up = v.gave_up FROM v WHERE spaces.space_id = v.k"
        );
        let a = SpaceId::parse("alice/App").expect("an id");
        let b = SpaceId::parse("bob/x").expect("an id");
        let again = SpaceId::parse("Alice/app").expect("an id");
        let rows = [(&a, 1), (&b, 2), (&again, 3)];
        let batches = batched(&rows);
        assert_eq!(batches.len(), 1);
        let kept: Vec<(String, i32)> = batches[0].iter().map(|(k, v)| (k.clone(), **v)).collect();
        assert_eq!(kept, [("bob/x".to_owned(), 2), ("alice/app".to_owned(), 3)]);
        let many: Vec<SpaceId> = (0..250)
            .map(|n| SpaceId::parse(&format!("o/s{n}")).expect("an id"))
            .collect();
        let rows: Vec<(&SpaceId, ())> = many.iter().map(|s| (s, ())).collect();
        let sizes: Vec<usize> = batched(&rows).iter().map(Vec::len).collect();
        assert_eq!(sizes, [BATCH, BATCH, 50]);
    }
}
