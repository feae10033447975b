//! Who may do what: admins by numeric user id per platform (never usernames), and the
//! chats whose members may use read commands.

use crate::config::Config;

use super::{Actor, Platform};

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

    /// May change things. The API is authorized by its key before it gets here.
    pub fn is_admin(&self, actor: &Actor) -> bool {
        match actor.platform {
            Platform::Telegram => self.telegram_admins.contains(&actor.user_id),
            Platform::Discord => self.discord_admins.contains(&actor.user_id),
            Platform::Api => true,
        }
    }

    /// May use read commands: admins anywhere, anyone in an allowed chat.
    pub fn can_read(&self, actor: &Actor) -> bool {
        if self.is_admin(actor) {
            return true;
        }
        let Some(chat) = actor.chat_id else {
            return false;
        };
        match actor.platform {
            Platform::Telegram => self.telegram_chats.contains(&chat),
            Platform::Discord => self.discord_channels.contains(&chat),
            Platform::Api => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(user_id: i64, chat_id: i64) -> Actor {
        Actor {
            platform: Platform::Telegram,
            user_id,
            chat_id: Some(chat_id),
        }
    }

    #[test]
    fn admins_by_id_readers_by_chat() {
        let access = Access {
            telegram_admins: vec![42],
            telegram_chats: vec![-100],
            ..Access::default()
        };
        assert!(access.is_admin(&actor(42, 7)));
        assert!(access.can_read(&actor(42, 7)), "an admin reads anywhere");
        assert!(!access.is_admin(&actor(43, -100)));
        assert!(
            access.can_read(&actor(43, -100)),
            "a member of an allowed chat reads"
        );
        assert!(!access.can_read(&actor(43, 7)));
        let discord = Actor {
            platform: Platform::Discord,
            user_id: 42,
            chat_id: None,
        };
        assert!(!access.is_admin(&discord), "ids are per platform");
    }
}
