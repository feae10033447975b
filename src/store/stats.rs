//! Read-only queries for the HTTP side (status page, JSON API, `/metrics`): counts of
//! actions by result, a Space's history since a moment, and the 90-day uptime bars of
//! every Space in one query. Nothing here writes.

use chrono::{DateTime, Utc};

use super::gaps::DayRow;
use super::{ActionRow, DayUptime, IncidentRow, Store, StoreError, ms};
use crate::domain::{ActionKind, SpaceId};

const DAY_MS: i64 = 86_400_000;

/// How many actions of one kind ended one way (`result`), or are still open
/// (`in_progress`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionCount {
    pub kind: ActionKind,
    pub result: String,
    pub count: i64,
}

/// A Space's incidents open since `$2` (one text for the code and `tests/plans.rs`).
pub(super) fn incidents_since_sql() -> String {
    format!(
        "SELECT {} FROM {} WHERE incidents.space_id = $1
           AND (incidents.closed_ms IS NULL OR incidents.closed_ms >= $2)
         ORDER BY incidents.opened_ms, incidents.id LIMIT $3",
        super::incidents::SELECT,
        super::incidents::FROM
    )
}

pub(super) fn actions_since_sql() -> String {
    format!(
        "SELECT {} FROM {} WHERE actions.space_id = $1 AND actions.started_ms >= $2
         ORDER BY actions.id LIMIT $3",
        super::actions::SELECT,
        super::actions::FROM
    )
}

impl Store {
    /// Actions by kind and result over the whole stored history.
    pub async fn action_counts(&self) -> Result<Vec<ActionCount>, StoreError> {
        let rows: Vec<(ActionKind, String, i64)> = sqlx::query_as(
            "SELECT kind, CASE WHEN state = 'done' THEN COALESCE(result, 'unknown')
                               ELSE 'in_progress' END AS outcome, COUNT(*)
             FROM actions GROUP BY kind, outcome ORDER BY kind, outcome",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, result, count)| ActionCount {
                kind,
                result,
                count,
            })
            .collect())
    }

    /// A Space's incidents that were open at some point since `since`, oldest first.
    pub async fn incidents_since(
        &self,
        id: &SpaceId,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(incidents_since_sql()))
            .bind(id.key())
            .bind(ms(since))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    /// A Space's actions started since `since`, oldest first.
    pub async fn actions_since(
        &self,
        id: &SpaceId,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ActionRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(actions_since_sql()))
            .bind(id.key())
            .bind(ms(since))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    /// The last `days` days of daily uptime for every Space with roll-ups, by
    /// `owner/name` as stored, oldest day first: the status page's bars in one query.
    /// Days nobody checked show as such (`gaps.rs`).
    /// Recomputed from the roll-ups: the read model keeps them (`view::aggregates`).
    pub async fn daily_uptime_all(
        &self,
        now: DateTime<Utc>,
        days: u32,
    ) -> Result<Vec<(String, Vec<DayUptime>)>, StoreError> {
        let now_ms = ms(now);
        let today = now_ms - now_ms.rem_euclid(DAY_MS);
        let from = today - i64::from(days.saturating_sub(1)) * DAY_MS;
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT space_id, bucket_ms, up, counted FROM rollup_daily
             WHERE bucket_ms >= $1 ORDER BY space_id, bucket_ms",
        )
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        let gaps = self.gaps_between(from, now).await?;
        let mut by_space: Vec<(String, Vec<DayRow>)> = Vec::new();
        for (space, bucket, up, counted) in rows {
            match by_space.last_mut() {
                Some((last, days)) if *last == space => days.push((bucket, up, counted)),
                _ => by_space.push((space, vec![(bucket, up, counted)])),
            }
        }
        Ok(by_space
            .into_iter()
            .map(|(space, rows)| (space, gaps.day_cells(from, days, now_ms, &rows)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::Verdict;
    use crate::domain::{ActionActor, ActionTrigger};
    use crate::store::NewAction;
    use crate::store::tests::obs;

    #[tokio::test]
    async fn bars_cover_every_day_and_spaces_separately() {
        for store in crate::store::test_stores().await {
            let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
            let yesterday = now - chrono::Duration::days(1);
            store
                .record(&[
                    obs("alice/a", Verdict::Up, yesterday),
                    obs("alice/b", Verdict::Down, now),
                ])
                .await
                .unwrap();
            store
                .record(&[obs(
                    "alice/a",
                    Verdict::Down,
                    yesterday + chrono::Duration::minutes(5),
                )])
                .await
                .unwrap();
            let bars = store.daily_uptime_all(now, 3).await.unwrap();
            assert_eq!(bars.len(), 2);
            let (space, bar) = &bars[0];
            assert_eq!(space, "alice/a");
            assert_eq!(bar.len(), 3);
            assert_eq!(bar[1].uptime, Some(0.5));
            assert_eq!(bar[2].uptime, None);
            assert_eq!(
                bar[2].day,
                Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap()
            );
            assert_eq!(bars[1].1[2].uptime, Some(0.0));
        }
    }

    #[tokio::test]
    async fn counts_actions_by_result() {
        for store in crate::store::test_stores().await {
            let space = SpaceId::parse("alice/a").unwrap();
            let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
            let action = NewAction {
                space: &space,
                kind: ActionKind::Restart,
                trigger: ActionTrigger::Manual,
                actor: ActionActor::Api,
                at,
                incident_id: None,
            };
            let done = store.start_action(&action).await.unwrap();
            store.start_action(&action).await.unwrap();
            store
                .finish_action(done, at, "recovered", None)
                .await
                .unwrap();
            let counts = store.action_counts().await.unwrap();
            let pairs: Vec<(&str, &str, i64)> = counts
                .iter()
                .map(|c| (c.kind.as_str(), c.result.as_str(), c.count))
                .collect();
            assert_eq!(
                pairs,
                [("restart", "in_progress", 1), ("restart", "recovered", 1)]
            );
        }
    }
}
