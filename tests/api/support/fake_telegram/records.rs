//! The fake's public vocabulary: how tests describe users and chats
//! (`TgUser`, `ChatSpec`) and what they read back (`SentMessage`,
//! `EditRecord`, `CallbackAnswer`, `CommandSet`, `LoggedCall`). Plain data:
//! no I/O and no Telegram rules here.

use serde_json::Value;
use tokio::time::Instant;

/// A Telegram user who talks to the bot.
#[derive(Clone, Debug, PartialEq)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TgUser {
    /// A user whose first name and username are both `name`, language "en".
    pub fn named(id: i64, name: &str) -> TgUser {
        TgUser {
            id,
            first_name: name.to_string(),
            last_name: None,
            username: Some(name.to_string()),
            language_code: Some("en".to_string()),
        }
    }

    /// A user without a username (allowed on Telegram: authorize on `id`).
    pub fn anonymous(id: i64, first_name: &str) -> TgUser {
        TgUser {
            username: None,
            ..TgUser::named(id, first_name)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    Private,
    Group,
    Supergroup,
    Channel,
}

/// A chat the fake knows. Unknown ids are inferred (see `ChatSpec::inferred`)
/// unless `FakeTelegram::require_known_chats(true)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatSpec {
    pub id: i64,
    pub kind: ChatKind,
    /// Groups, supergroups and channels.
    pub title: Option<String>,
    pub username: Option<String>,
    /// Private chats mirror the user.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// A supergroup with topics: `message_thread_id` is accepted only here.
    pub is_forum: bool,
}

impl ChatSpec {
    /// The private chat with `user` (its id is the user's id).
    pub fn private(user: &TgUser) -> ChatSpec {
        ChatSpec {
            id: user.id,
            kind: ChatKind::Private,
            title: None,
            username: user.username.clone(),
            first_name: Some(user.first_name.clone()),
            last_name: user.last_name.clone(),
            is_forum: false,
        }
    }

    /// A basic group: negative id above -1_000_000_000_000.
    pub fn group(id: i64, title: &str) -> ChatSpec {
        ChatSpec {
            kind: ChatKind::Group,
            title: Some(title.to_string()),
            ..ChatSpec::inferred(id)
        }
    }

    /// A supergroup: id of the form -100xxxxxxxxxx.
    pub fn supergroup(id: i64, title: &str) -> ChatSpec {
        ChatSpec {
            kind: ChatKind::Supergroup,
            title: Some(title.to_string()),
            ..ChatSpec::inferred(id)
        }
    }

    pub fn forum(mut self) -> ChatSpec {
        self.is_forum = true;
        self
    }

    /// What the id's shape says, as Bot API ids are laid out: users are
    /// positive, basic groups negative, supergroups and channels
    /// -100xxxxxxxxxx (inferred as supergroups).
    pub fn inferred(id: i64) -> ChatSpec {
        let kind = if id > 0 {
            ChatKind::Private
        } else if id <= -1_000_000_000_000 {
            ChatKind::Supergroup
        } else {
            ChatKind::Group
        };
        let (title, first_name) = match kind {
            ChatKind::Private => (None, Some(format!("User {id}"))),
            _ => (Some(format!("Chat {id}")), None),
        };
        ChatSpec {
            id,
            kind,
            title,
            username: None,
            first_name,
            last_name: None,
            is_forum: false,
        }
    }
}

/// One accepted `sendMessage`.
#[derive(Clone, Debug, PartialEq)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i64,
    /// `text` exactly as the bot sent it (HTML source with `parse_mode`).
    pub raw_text: String,
    pub parse_mode: Option<String>,
    /// The plain text Telegram stores and users see.
    pub text: String,
    /// The message's entities as the API returns them (JSON array).
    pub entities: Value,
    /// The inline keyboard as echoed in the message, if any.
    pub reply_markup: Option<Value>,
    pub disable_notification: bool,
    pub link_preview_options: Option<Value>,
    pub message_thread_id: Option<i64>,
    pub reply_to_message_id: Option<i64>,
    /// Unix seconds.
    pub date: i64,
}

/// One accepted `editMessageText` or `editMessageReplyMarkup`.
#[derive(Clone, Debug, PartialEq)]
pub struct EditRecord {
    pub chat_id: i64,
    pub message_id: i64,
    /// "editmessagetext" or "editmessagereplymarkup".
    pub method: String,
    /// For text edits: the text as sent, its parse mode and the plain text.
    pub raw_text: Option<String>,
    pub parse_mode: Option<String>,
    pub text: Option<String>,
    /// The keyboard after the edit (`None`: removed or never present).
    pub reply_markup: Option<Value>,
}

/// One accepted `answerCallbackQuery`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackAnswer {
    pub callback_query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
    pub url: Option<String>,
}

/// A command as stored by Telegram (leading `/` stripped, trimmed) and as
/// sent.
#[derive(Clone, Debug, PartialEq)]
pub struct BotCommand {
    pub command: String,
    pub description: String,
    pub command_as_sent: String,
}

/// The command menu currently set for one scope and language.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandSet {
    /// Normalized scope: `{"type": …}` plus `chat_id`/`user_id` as numbers.
    pub scope: Value,
    /// "" for all languages.
    pub language_code: String,
    pub commands: Vec<BotCommand>,
}

/// One HTTP call the fake received.
#[derive(Clone, Debug)]
pub struct LoggedCall {
    /// Lowercase, as the server normalizes it (`SendMessage` → "sendmessage").
    pub method: String,
    /// The arguments as sent (JSON types kept for JSON bodies).
    pub body: Value,
    /// Arrival, on tokio's clock (so paused-time tests can measure waits).
    pub at: Instant,
    /// The HTTP status answered; `None` while in flight (a held long poll).
    pub status: Option<u16>,
}
