//! Who may do what, in one place: an actor's role (admins by numeric user id per
//! platform, never usernames; readers by the chat they write from; the API, the page
//! and the CLI are authenticated before they reach the core), and `authorize`, which
//! every entrance goes through.

use super::catalogue::{Role, Spec};
use super::{Actor, Platform};
use crate::config::Config;

/// The API's actor for a request made with `API_READ_KEY`.
pub(super) const API_READER: &str = "api-read";

/// Why an actor may not run a command. The sentences are what every entrance shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Denied {
    /// May read, but the command needs an admin.
    AdminsOnly,
    /// Not in an allowed chat or channel at all.
    NotHere,
}

impl Denied {
    /// The sentence in `lang` (chat, the page).
    pub fn text(self, lang: crate::i18n::Lang) -> String {
        match self {
            Denied::AdminsOnly => crate::t!(lang, "chat-denied-admins-only"),
            Denied::NotHere => crate::t!(lang, "chat-denied-not-here"),
        }
    }

    /// The English sentence, for what programs read (the API's `message`).
    pub fn sentence(self) -> &'static str {
        match self {
            Denied::AdminsOnly => "Only admins can do that.",
            Denied::NotHere => "Sorry, this chat is not allowed to use spacewarden.",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Access {
    pub telegram_admins: Vec<i64>,
    pub telegram_chats: Vec<i64>,
    pub discord_admins: Vec<i64>,
    pub discord_channels: Vec<i64>,
    pub discord_guild: Option<i64>,
}

impl Access {
    pub fn from_config(config: &Config) -> Access {
        let (telegram_admins, telegram_chats) = config
            .telegram
            .as_ref()
            .map(|t| (t.admin_ids.clone(), t.chat_ids.clone()))
            .unwrap_or_default();
        let as_i64 = |ids: &[u64]| {
            ids.iter()
                .filter_map(|id| i64::try_from(*id).ok())
                .collect::<Vec<_>>()
        };
        let (discord_admins, discord_channels, discord_guild) = config
            .discord
            .as_ref()
            .map(|d| {
                (
                    as_i64(&d.admin_ids),
                    as_i64(&d.channel_ids),
                    d.guild_id.and_then(|g| i64::try_from(g).ok()),
                )
            })
            .unwrap_or_default();
        Access {
            telegram_admins,
            telegram_chats,
            discord_admins,
            discord_channels,
            discord_guild,
        }
    }

    /// The actor's role.
    pub fn role(&self, actor: &Actor) -> Role {
        let (admins, chats) = match actor.platform {
            Platform::Telegram => (&self.telegram_admins, &self.telegram_chats),
            Platform::Discord => (&self.discord_admins, &self.discord_channels),
            // Authenticated at the edge: the API key, the page's sign-in, the shell.
            Platform::Api if actor.user_id == API_READER => return Role::Reader,
            // Signed in with Hugging Face and named only in WEB_VIEWERS.
            Platform::Web if actor.viewer => return Role::Reader,
            Platform::Api | Platform::Web | Platform::Cli => return Role::Admin,
        };
        let user: Option<i64> = actor.user_id.parse().ok();
        if user.is_some_and(|id| admins.contains(&id)) {
            Role::Admin
        } else if actor.chat_id.is_some_and(|chat| chats.contains(&chat)) {
            Role::Reader
        } else {
            Role::Anyone
        }
    }

    /// Whether `actor` may run `spec`; the one authorization of every entrance.
    pub fn authorize(&self, actor: &Actor, spec: &Spec) -> Result<(), Denied> {
        let role = self.role(actor);
        if role >= spec.role {
            Ok(())
        } else if role >= Role::Reader {
            Err(Denied::AdminsOnly)
        } else {
            Err(Denied::NotHere)
        }
    }

    pub fn is_admin(&self, actor: &Actor) -> bool {
        self.role(actor) == Role::Admin
    }

    /// May use read commands: admins anywhere, anyone in an allowed chat.
    pub fn can_read(&self, actor: &Actor) -> bool {
        self.role(actor) >= Role::Reader
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::catalogue::find;

    /// A relayed request carries the reader's language as its tag; one written by a
    /// replica of an older version, without it, is answered in English.
    #[test]
    fn an_actor_travels_with_its_language() {
        let zh = crate::i18n::Lang::exact("zh-CN").unwrap();
        let actor = Actor::telegram(42, -100).in_lang(zh);
        let json = serde_json::to_string(&actor).unwrap();
        assert!(json.contains(r#""lang":"zh-CN""#), "{json}");
        assert_eq!(serde_json::from_str::<Actor>(&json).unwrap(), actor);
        let old = r#"{"platform":"Telegram","user_id":"42","chat_id":-100}"#;
        let read: Actor = serde_json::from_str(old).unwrap();
        assert_eq!(read, Actor::telegram(42, -100));
        assert_eq!(read.lang, crate::i18n::Lang::EN);
        let unknown = r#"{"platform":"Api","user_id":"api","chat_id":null,"lang":"xx"}"#;
        assert_eq!(
            serde_json::from_str::<Actor>(unknown).unwrap().lang,
            crate::i18n::Lang::EN
        );
    }

    #[test]
    fn roles_by_id_and_chat() {
        let access = Access {
            telegram_admins: vec![42],
            telegram_chats: vec![-100],
            ..Access::default()
        };
        let restart = find("restart").unwrap();
        let status = find("status").unwrap();
        let help = find("help").unwrap();
        let admin = Actor::telegram(42, 7);
        assert_eq!(access.authorize(&admin, restart), Ok(()));
        assert_eq!(
            access.authorize(&admin, status),
            Ok(()),
            "an admin reads anywhere"
        );
        let member = Actor::telegram(43, -100);
        assert_eq!(access.authorize(&member, status), Ok(()));
        assert_eq!(access.authorize(&member, restart), Err(Denied::AdminsOnly));
        let stranger = Actor::telegram(43, 7);
        assert_eq!(access.authorize(&stranger, status), Err(Denied::NotHere));
        assert_eq!(access.authorize(&stranger, help), Ok(()));
        let discord = Actor::discord(42, 7);
        assert_eq!(access.role(&discord), Role::Anyone, "ids are per platform");
        for edge in [Actor::api(), Actor::web("alice"), Actor::cli()] {
            assert_eq!(access.authorize(&edge, restart), Ok(()), "{}", edge.label());
        }
        let viewer = Actor::web_viewer("hf:bob");
        assert_eq!(access.authorize(&viewer, status), Ok(()));
        assert_eq!(access.authorize(&viewer, restart), Err(Denied::AdminsOnly));
        assert_eq!(viewer.label(), "web:hf:bob");
    }
}
