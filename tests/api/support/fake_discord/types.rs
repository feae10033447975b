//! The public vocabulary of the fake: its start-up configuration, the
//! failures a test can inject, and the records it hands back (requests,
//! interaction callbacks). Plain data only: no I/O, no locking.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

/// Default ids: fixed, realistic snowflakes. The application and its bot
/// user differ on purpose (they are equal only for apps created after 2021
/// or so), so a bot that mixes them up fails against the fake.
pub const DEFAULT_APPLICATION_ID: u64 = 1_100_000_000_000_000_001;
pub const DEFAULT_BOT_USER_ID: u64 = 1_100_000_000_000_000_002;
pub const DEFAULT_OWNER_ID: u64 = 1_100_000_000_000_000_010;
pub const DEFAULT_GUILD_ID: u64 = 1_100_000_000_000_000_100;
pub const DEFAULT_CHANNEL_ID: u64 = 1_100_000_000_000_000_200;
pub const DEFAULT_USER_ID: u64 = 1_100_000_000_000_000_300;

/// Privileged gateway intents (close 4014 unless enabled on the fake).
pub const INTENT_GUILD_MEMBERS: u64 = 1 << 1;
pub const INTENT_GUILD_PRESENCES: u64 = 1 << 8;
pub const INTENT_MESSAGE_CONTENT: u64 = 1 << 15;
pub const PRIVILEGED_INTENTS: u64 =
    INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT;
/// Every intent bit Discord defines today (0..=25 minus the unused 17-19,
/// 22-23); others close the session with 4013.
pub const KNOWN_INTENTS: u64 = 0b11_0011_0001_1111_1111_1111_1111;

/// Message flag for an ephemeral interaction response.
pub const EPHEMERAL: u64 = 1 << 6;

/// How the fake starts. `FakeDiscord::start(token)` uses the defaults.
#[derive(Clone, Debug)]
pub struct FakeDiscordConfig {
    /// The bot token, without the `Bot ` prefix.
    pub token: String,
    pub application_id: u64,
    pub bot_user_id: u64,
    pub bot_username: String,
    /// Owner of the application (poise treats it as a bot owner).
    pub owner_id: u64,
    /// HELLO's `heartbeat_interval` (Discord: 41250 ms).
    pub heartbeat_interval: Duration,
    /// Time from dispatch to the first callback (Discord: 3 s).
    pub ack_window: Duration,
    /// Life of an interaction token for webhook calls (Discord: 15 min).
    pub token_lifetime: Duration,
}

impl FakeDiscordConfig {
    pub fn new(token: &str) -> FakeDiscordConfig {
        FakeDiscordConfig {
            token: token.to_string(),
            application_id: DEFAULT_APPLICATION_ID,
            bot_user_id: DEFAULT_BOT_USER_ID,
            bot_username: "spacewarden".to_string(),
            owner_id: DEFAULT_OWNER_ID,
            heartbeat_interval: Duration::from_millis(41_250),
            ack_window: Duration::from_secs(3),
            token_lifetime: Duration::from_secs(15 * 60),
        }
    }
}

/// What a failing channel answers to every REST call under
/// `/channels/{id}/...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 500 JSON, 502 Cloudflare HTML, 503 plain-text upstream error.
    ServerError(u16),
    /// 403 `{"message":"Missing Access","code":50001}`.
    Forbidden,
    /// 403 `{"message":"Missing Permissions","code":50013}`.
    MissingPermissions,
    /// 404 `{"message":"Unknown Channel","code":10003}`.
    Unknown,
    /// 401 `{"message":"401: Unauthorized","code":0}`.
    Unauthorized,
}

/// Where a command list lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandScope {
    Global,
    Guild(u64),
}

/// One REST call as the fake saw it (the Authorization header is not kept).
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    /// The JSON body, `None` when empty; a non-JSON body is kept as a string.
    pub body: Option<Value>,
    /// The status the fake answered.
    pub status: u16,
    pub at: Instant,
}

/// The first response to an interaction.
#[derive(Clone, Debug)]
pub struct Callback {
    pub interaction_id: u64,
    pub token: String,
    /// Callback type: 4 message, 5 deferred message, 6 deferred update,
    /// 7 update message, 8 autocomplete result, 9 modal.
    pub kind: u8,
    pub data: Option<Value>,
    /// `data.flags` (64 = ephemeral), 0 when absent.
    pub flags: u64,
    pub at: Instant,
    /// Time since the interaction was dispatched.
    pub after: Duration,
}

impl Callback {
    pub fn is_ephemeral(&self) -> bool {
        self.flags & EPHEMERAL != 0
    }

    /// `data.content`, or "" when absent.
    pub fn content(&self) -> &str {
        self.data
            .as_ref()
            .and_then(|d| d.get("content"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `data.embeds`, empty when absent.
    pub fn embeds(&self) -> Vec<Value> {
        self.data
            .as_ref()
            .and_then(|d| d.get("embeds"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    /// `data.choices` of an autocomplete result (type 8).
    pub fn choices(&self) -> Vec<Value> {
        self.data
            .as_ref()
            .and_then(|d| d.get("choices"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }
}

/// Returned by `dispatch_interaction`: what the bot received.
#[derive(Clone, Debug)]
pub struct InteractionHandle {
    pub id: u64,
    pub token: String,
    pub application_id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    /// The gateway sequence number of the INTERACTION_CREATE dispatch.
    pub seq: u64,
    pub dispatched_at: Instant,
    /// The full `d` of the dispatch, as sent.
    pub payload: Value,
}
