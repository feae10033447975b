//! Which language a chat reader is answered in, and `/lang zh-CN|en|auto` (admins),
//! which sets it for the chat or channel it is sent in. The order: the chat's `/lang`
//! choice, else the reader's own language as the platform reports it (Telegram's
//! `language_code`, Discord's interaction `locale`), else `SPACEWARDEN_LANG`. The
//! choice is stored (`Store::chat_lang`) so every replica and every restart keeps it,
//! and alerts to that chat can read it too.

use super::{Actor, CommandCore, Outcome, Platform, Reply, Response, Severity};
use crate::i18n::Lang;
use crate::t;

impl CommandCore {
    /// The language to answer a reader in: `chat`'s `/lang` choice, else `own` (the
    /// platform's tag for the reader: `zh-hans`, `zh-CN`, `en-US`), else the default.
    /// A store that cannot be read falls through to the next source (logged).
    pub async fn reader_lang(
        &self,
        platform: Platform,
        chat: Option<i64>,
        own: Option<&str>,
    ) -> Lang {
        if let Some(chat) = chat {
            match self.store.chat_lang(platform.as_str(), chat).await {
                Ok(Some(lang)) => return lang,
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read a chat's language"),
            }
        }
        own.and_then(Lang::match_tag)
            .unwrap_or(self.monitor.config().locale.lang)
    }

    /// `/lang`: stores the chat's choice (`None`: automatic) and says so in it.
    pub(super) async fn set_lang(&self, actor: &Actor, tag: Option<String>) -> Response {
        let in_chat = matches!(actor.platform, Platform::Telegram | Platform::Discord);
        let Some(chat) = actor.chat_id.filter(|_| in_chat) else {
            return Response::with(
                Outcome::BadRequest,
                Reply::error(t!(actor.lang, "chat-lang-only-in-chat")),
            );
        };
        let chosen = tag.as_deref().and_then(Lang::exact);
        let now = self.monitor.now();
        let platform = actor.platform.as_str();
        if let Err(e) = self
            .store
            .set_chat_lang(platform, chat, chosen, &actor.user_id, now)
            .await
        {
            return Response::internal(actor.lang, "cannot store a chat's language", &e);
        }
        tracing::info!(actor = %actor.label(), chat, lang = ?chosen.map(Lang::tag), "chat language set");
        // Said in the language chosen, so the chat sees the change at once.
        let reply = match chosen {
            Some(lang) => t!(lang, "chat-lang-set", name = t!(lang, "lang-name")),
            None => t!(actor.lang, "chat-lang-auto"),
        };
        Response::done(Reply::new(Severity::Good, reply))
    }
}
