//! `platform_incidents`: many Spaces failing alike (Hugging Face's problem), from
//! the cycle that saw it until none of its Spaces fails that way any more.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreTx, from_ms, ms};
use crate::domain::{PlatformIncident, PlatformReason, SpaceId};

/// Space ids cannot contain commas (they are validated like the Hub's repo ids).
fn join(spaces: &[SpaceId]) -> String {
    spaces
        .iter()
        .map(SpaceId::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn split(text: &str) -> Vec<SpaceId> {
    text.split(',')
        .filter_map(|s| SpaceId::parse(s).ok())
        .collect()
}

impl Store {
    /// The incidents in progress, oldest first (rows with an unknown reason, from a
    /// newer version, are left out).
    pub async fn open_platform_incidents(&self) -> Result<Vec<PlatformIncident>, StoreError> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT id, reason, opened_ms, spaces FROM platform_incidents
             WHERE closed_ms IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, reason, opened, spaces)| {
                Some(PlatformIncident {
                    id,
                    reason: PlatformReason::parse(&reason)?,
                    opened: from_ms(opened),
                    spaces: split(&spaces),
                })
            })
            .collect())
    }
}

impl StoreTx {
    pub async fn open_platform_incident(
        &mut self,
        reason: PlatformReason,
        opened: DateTime<Utc>,
        spaces: &[SpaceId],
    ) -> Result<i64, StoreError> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO platform_incidents (reason, opened_ms, spaces) VALUES ($1, $2, $3)
             RETURNING id",
        )
        .bind(reason.as_str())
        .bind(ms(opened))
        .bind(join(spaces))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    pub async fn set_platform_spaces(
        &mut self,
        id: i64,
        spaces: &[SpaceId],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE platform_incidents SET spaces = $1 WHERE id = $2")
            .bind(join(spaces))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn close_platform_incident(
        &mut self,
        id: i64,
        closed: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE platform_incidents SET closed_ms = $1 WHERE id = $2")
            .bind(ms(closed))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
