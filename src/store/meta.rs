//! `meta`: small facts spacewarden keeps about itself across restarts (e.g. the day
//! the daily savings line went out, so a restart never sends it twice).

use super::{Store, StoreError};

impl Store {
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(value,)| value))
    }

    /// Sets `key` to `value` unless it already holds it; `true` when it changed
    /// (one writer wins when two race).
    pub async fn set_meta_once(&self, key: &str, value: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.value <> excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(changed > 0)
    }
}
