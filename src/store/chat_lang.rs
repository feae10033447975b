//! `chat_lang`: the language a chat or channel chose with `/lang` (Telegram chat,
//! Discord channel), keyed by platform and chat id. Replies there and alerts sent there
//! read it; a row whose `lang` is NULL records `/lang auto` (cleared: each user's own
//! language again). A tag no file of `locales/` has any more reads as no choice.

use chrono::{DateTime, Utc};

use super::{Store, StoreError};
use crate::i18n::Lang;

impl Store {
    /// The language `chat` on `platform` (`telegram`, `discord`) chose, if it chose one.
    pub async fn chat_lang(&self, platform: &str, chat: i64) -> Result<Option<Lang>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT lang FROM chat_lang WHERE platform = $1 AND chat_id = $2")
                .bind(platform)
                .bind(chat)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .and_then(|(lang,)| lang)
            .and_then(|tag| Lang::exact(&tag)))
    }

    /// Records `chat`'s choice: `Some(lang)`, or `None` for automatic, by `by` at `at`.
    pub async fn set_chat_lang(
        &self,
        platform: &str,
        chat: i64,
        lang: Option<Lang>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO chat_lang (platform, chat_id, lang, set_by, set_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (platform, chat_id) DO UPDATE
             SET lang = excluded.lang, set_by = excluded.set_by, set_ms = excluded.set_ms",
        )
        .bind(platform)
        .bind(chat)
        .bind(lang.map(|lang| lang.tag()))
        .bind(by)
        .bind(at.timestamp_millis())
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
