//! `/lang`'s per-chat choice on both backends: set, changed, cleared (a NULL `lang`),
//! kept apart per platform and chat, and a tag without a file read as no choice.

use super::at;
use crate::i18n::Lang;

#[tokio::test]
async fn a_chat_keeps_its_language_until_cleared() {
    let zh = Lang::exact("zh-CN").unwrap();
    for store in crate::store::test_stores().await {
        let chat = -1_001_234_567_890_i64;
        assert_eq!(store.chat_lang("telegram", chat).await.unwrap(), None);
        store
            .set_chat_lang("telegram", chat, Some(zh), "1111", at(1, 12, 0))
            .await
            .unwrap();
        assert_eq!(store.chat_lang("telegram", chat).await.unwrap(), Some(zh));
        // Per platform and chat: the same number elsewhere chose nothing.
        assert_eq!(store.chat_lang("discord", chat).await.unwrap(), None);
        assert_eq!(store.chat_lang("telegram", 7).await.unwrap(), None);
        store
            .set_chat_lang("telegram", chat, Some(Lang::EN), "1111", at(1, 12, 1))
            .await
            .unwrap();
        assert_eq!(
            store.chat_lang("telegram", chat).await.unwrap(),
            Some(Lang::EN)
        );
        // `/lang auto`: the NULL column, read back as no choice.
        store
            .set_chat_lang("telegram", chat, None, "1111", at(1, 12, 2))
            .await
            .unwrap();
        assert_eq!(store.chat_lang("telegram", chat).await.unwrap(), None);
        let row: (Option<String>, String, i64) = sqlx::query_as(
            "SELECT lang, set_by, set_ms FROM chat_lang WHERE platform = $1 AND chat_id = $2",
        )
        .bind("telegram")
        .bind(chat)
        .fetch_one(&store.pool)
        .await
        .unwrap();
        assert_eq!(
            row,
            (None, "1111".to_owned(), at(1, 12, 2).timestamp_millis())
        );
        // A Discord channel id near the top of i64, and a tag this build has no file for.
        let channel = i64::MAX - 1;
        store
            .set_chat_lang("discord", channel, Some(zh), "42", at(1, 13, 0))
            .await
            .unwrap();
        assert_eq!(store.chat_lang("discord", channel).await.unwrap(), Some(zh));
        sqlx::query("UPDATE chat_lang SET lang = 'fr' WHERE platform = 'discord'")
            .execute(&store.pool)
            .await
            .unwrap();
        assert_eq!(store.chat_lang("discord", channel).await.unwrap(), None);
        store.close().await;
    }
}
