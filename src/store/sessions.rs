//! `sessions`: the page's signed-in users, keyed by the SHA-256 of the cookie's random
//! id (the web side hashes; nothing here sees the cookie), with the session's CSRF
//! token, the fingerprint of the credential it signed in with, and one pending flash
//! message. Also the key those fingerprints are made with (`meta`'s `session_key`).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, from_ms, ms};

/// A session as stored.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub username: String,
    pub csrf: String,
    pub created_ms: i64,
    pub seen_ms: i64,
    /// The fingerprint of the credential it signed in with (none: from before
    /// fingerprints, refused).
    pub credential: Option<String>,
    /// Signed in with Hugging Face: the user's id there (`sub`); none for a password
    /// session.
    pub hf_user_id: Option<String>,
    /// The role worked out at sign-in with Hugging Face (`admin`, `viewer`).
    pub role: Option<String>,
    /// When the session ends at the latest, whatever its use (Hugging Face sessions).
    pub expires_ms: Option<i64>,
}

impl SessionRow {
    pub fn seen(&self) -> DateTime<Utc> {
        from_ms(self.seen_ms)
    }

    pub fn created(&self) -> DateTime<Utc> {
        from_ms(self.created_ms)
    }
}

/// The `meta` key of the session fingerprints' key.
const SESSION_KEY: &str = "session_key";

/// A message for the next page the session shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    /// `good`, `bad`, `warn` or `info`.
    pub kind: String,
}

impl Store {
    /// The key session fingerprints are made with: the stored one, or `candidate`
    /// (fresh random) when there is none yet. Insert-if-absent then read, so two
    /// replicas starting at once agree on whichever landed first.
    pub async fn session_key(&self, candidate: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(SESSION_KEY)
            .bind(candidate)
            .execute(&self.pool)
            .await?;
        let (key,): (String,) = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(SESSION_KEY)
            .fetch_one(&self.pool)
            .await?;
        Ok(key)
    }

    pub async fn create_session(&self, row: &SessionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, username, csrf, created_ms, seen_ms, credential,
                                   hf_user_id, role, expires_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&row.id_hash)
        .bind(&row.username)
        .bind(&row.csrf)
        .bind(row.created_ms)
        .bind(row.seen_ms)
        .bind(&row.credential)
        .bind(&row.hf_user_id)
        .bind(&row.role)
        .bind(row.expires_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id_hash, username, csrf, created_ms, seen_ms, credential,
                    hf_user_id, role, expires_ms
             FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Notes a request of the session (its idle time starts again).
    pub async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET seen_ms = $1 WHERE id_hash = $2")
            .bind(ms(at))
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session (sign-out, or found expired).
    pub async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes sessions idle since before `idle_since`, started before
    /// `started_since`, past their own end at `now`, or signed in with a credential
    /// that is neither of `credentials` (the password's and the role lists'
    /// fingerprints, each when configured); returns how many.
    pub async fn prune_sessions(
        &self,
        idle_since: DateTime<Utc>,
        started_since: DateTime<Utc>,
        now: DateTime<Utc>,
        credentials: [Option<&str>; 2],
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM sessions WHERE seen_ms < $1 OR created_ms < $2
             OR expires_ms <= $3 OR credential IS NULL
             OR (credential <> COALESCE($4, '') AND credential <> COALESCE($5, ''))",
        )
        .bind(ms(idle_since))
        .bind(ms(started_since))
        .bind(ms(now))
        .bind(credentials[0])
        .bind(credentials[1])
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn set_flash(&self, id_hash: &str, flash: &Flash) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET flash = $1, flash_kind = $2 WHERE id_hash = $3")
            .bind(&flash.text)
            .bind(&flash.kind)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The pending flash, removed as it is read (shown once). Read and cleared in one
    /// transaction: two tabs loading at once get it once between them.
    pub async fn take_flash(&self, id_hash: &str) -> Result<Option<Flash>, StoreError> {
        // Most page views have none: answer those without taking the write lock.
        let pending: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM sessions WHERE id_hash = $1 AND flash IS NOT NULL")
                .bind(id_hash)
                .fetch_optional(&self.pool)
                .await?;
        if pending.is_none() {
            return Ok(None);
        }
        let mut tx = self.begin().await?;
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT flash, flash_kind FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .fetch_optional(&mut *tx.tx)
                .await?;
        let Some((Some(text), kind)) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        sqlx::query("UPDATE sessions SET flash = NULL, flash_kind = NULL WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        Ok(Some(Flash {
            text,
            kind: kind.unwrap_or_else(|| "info".into()),
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[tokio::test]
    async fn sessions_live_flash_once_and_prune_by_idle_time() {
        for store in crate::store::test_stores().await {
            let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
            let row = |id: &str, at: DateTime<Utc>| SessionRow {
                id_hash: id.into(),
                username: "ops".into(),
                csrf: "c".into(),
                created_ms: ms(at),
                seen_ms: ms(at),
                credential: Some("f".into()),
                hf_user_id: None,
                role: None,
                expires_ms: None,
            };
            store.create_session(&row("a", t0)).await.unwrap();
            store
                .create_session(&row("b", t0 - chrono::Duration::hours(13)))
                .await
                .unwrap();
            assert_eq!(store.session("a").await.unwrap().unwrap().username, "ops");
            let flash = Flash {
                text: "Restarting".into(),
                kind: "warn".into(),
            };
            store.set_flash("a", &flash).await.unwrap();
            assert_eq!(store.take_flash("a").await.unwrap(), Some(flash));
            assert_eq!(store.take_flash("a").await.unwrap(), None, "shown once");
            let later = t0 + chrono::Duration::hours(1);
            store.touch_session("a", later).await.unwrap();
            assert_eq!(store.session("a").await.unwrap().unwrap().seen(), later);
            let hf = SessionRow {
                hf_user_id: Some("6641".into()),
                role: Some("viewer".into()),
                expires_ms: Some(ms(t0 + chrono::Duration::hours(8))),
                credential: Some("lists".into()),
                ..row("c", t0)
            };
            store.create_session(&hf).await.unwrap();
            let read = store.session("c").await.unwrap().unwrap();
            assert_eq!(read.hf_user_id.as_deref(), Some("6641"));
            assert_eq!(read.role.as_deref(), Some("viewer"));
            assert_eq!(read.expires_ms, hf.expires_ms);
            let prune = |now: DateTime<Utc>, lists: Option<&'static str>| {
                let store = store.clone();
                async move {
                    store
                        .prune_sessions(
                            t0 - chrono::Duration::hours(12),
                            t0 - chrono::Duration::days(7),
                            now,
                            [Some("f"), lists],
                        )
                        .await
                        .unwrap()
                }
            };
            assert_eq!(prune(t0, Some("lists")).await, 1, "b, idle");
            assert!(store.session("b").await.unwrap().is_none());
            assert!(
                store.session("c").await.unwrap().is_some(),
                "lists unchanged"
            );
            assert_eq!(
                prune(t0 + chrono::Duration::hours(8), Some("lists")).await,
                1
            );
            assert!(store.session("c").await.unwrap().is_none(), "past its end");
            store.create_session(&hf).await.unwrap();
            assert_eq!(prune(t0, Some("new lists")).await, 1, "lists changed");
            assert!(store.session("a").await.unwrap().is_some());
            store.end_session("a").await.unwrap();
            assert!(store.session("a").await.unwrap().is_none());
        }
    }
}
