//! The fake's mutable world behind one std `Mutex`: guilds and channels,
//! stored messages, registered commands, dispatched interactions, gateway
//! sessions, injected faults and the request log. Every change bumps a
//! `watch` counter so async waiters can re-check their condition; the lock
//! is never held across an await.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::ratelimit::RateLimits;
use super::types::{
    Callback, CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, Failure, FakeDiscordConfig,
    RecordedRequest,
};

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

pub(super) struct Shared {
    state: Mutex<State>,
    changed: watch::Sender<u64>,
    pub base_url: String,
}

impl Shared {
    pub fn new(state: State, base_url: String) -> Shared {
        Shared {
            state: Mutex::new(state),
            changed: watch::Sender::new(0),
            base_url,
        }
    }

    /// Locks for reading; a poisoned lock (a panicking test thread) is still
    /// usable for the other tests' diagnostics.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state and wakes every waiter.
    pub fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let out = f(&mut self.lock());
        self.changed.send_modify(|n| *n += 1);
        out
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

pub(super) struct Channel {
    pub id: u64,
    pub guild_id: Option<u64>,
    pub name: String,
}

pub(super) struct Guild {
    pub id: u64,
    pub name: String,
}

/// A message the bot created, in the channel or as an interaction response.
pub(super) struct StoredMessage {
    pub id: u64,
    pub channel_id: u64,
    pub json: Value,
    pub ephemeral: bool,
    /// The interaction this message answers, if any.
    pub interaction_id: Option<u64>,
}

pub(super) struct InteractionRec {
    pub id: u64,
    pub token: String,
    /// 2 command, 3 component, 4 autocomplete.
    pub kind: u8,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub user: Value,
    /// Command name (commands and autocomplete) for message metadata.
    pub command_name: Option<String>,
    /// The message a component sat on.
    pub source_message_id: Option<u64>,
    pub dispatched_at: Instant,
    pub callback: Option<Callback>,
    /// Id of the original response message (after types 4, 5, 6, 7).
    pub original_id: Option<u64>,
    /// A type-5 "thinking" message not yet replaced by an edit or followup.
    pub loading: bool,
    /// Flags chosen at deferral (the first followup inherits them).
    pub deferred_flags: u64,
    pub original_edits: u32,
    pub followups: Vec<u64>,
}

pub(super) enum Outgoing {
    Text(String),
    Close(u16, String),
}

pub(super) struct Session {
    pub conn: u64,
    pub tx: mpsc::UnboundedSender<Outgoing>,
    pub connected: bool,
    pub session_id: Option<String>,
    pub ready: bool,
    pub seq: u64,
    pub intents: u64,
}

pub(super) struct State {
    pub cfg: FakeDiscordConfig,
    /// `ws://127.0.0.1:PORT/gateway`, also READY's `resume_gateway_url`.
    pub gateway_url: String,
    pub guilds: Vec<Guild>,
    pub channels: HashMap<u64, Channel>,
    pub failures: HashMap<u64, (Failure, Option<u32>)>,
    pub messages: Vec<StoredMessage>,
    pub commands: HashMap<CommandScope, Vec<Value>>,
    pub interactions: Vec<InteractionRec>,
    pub requests: Vec<RecordedRequest>,
    pub down: bool,
    pub limits: RateLimits,
    /// 401, 403 and 429 answers (Discord bans an IP above 10,000 in 10 min).
    pub invalid_requests: u64,
    pub enabled_intents: u64,
    pub sessions: Vec<Session>,
    pub identify_payloads: Vec<Value>,
    pub heartbeats: u64,
    next_conn: u64,
    last_snowflake: u64,
}

impl State {
    pub fn new(cfg: FakeDiscordConfig, gateway_url: String) -> State {
        let mut st = State {
            cfg,
            gateway_url,
            guilds: Vec::new(),
            channels: HashMap::new(),
            failures: HashMap::new(),
            messages: Vec::new(),
            commands: HashMap::new(),
            interactions: Vec::new(),
            requests: Vec::new(),
            down: false,
            limits: RateLimits::default(),
            invalid_requests: 0,
            enabled_intents: 0,
            sessions: Vec::new(),
            identify_payloads: Vec::new(),
            heartbeats: 0,
            next_conn: 0,
            last_snowflake: 0,
        };
        st.add_guild(DEFAULT_GUILD_ID, "Spacewarden HQ");
        st.add_channel(DEFAULT_CHANNEL_ID, Some(DEFAULT_GUILD_ID), "alerts");
        st
    }

    pub fn add_guild(&mut self, id: u64, name: &str) {
        self.guilds.retain(|g| g.id != id);
        self.guilds.push(Guild {
            id,
            name: name.to_string(),
        });
    }

    pub fn add_channel(&mut self, id: u64, guild_id: Option<u64>, name: &str) {
        let name = name.to_string();
        self.channels.insert(id, Channel { id, guild_id, name });
    }

    /// A snowflake for "now": time since Discord's epoch in the top bits,
    /// strictly increasing within this fake.
    pub fn snowflake(&mut self) -> u64 {
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let candidate = now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22;
        self.last_snowflake = candidate.max(self.last_snowflake + 1);
        self.last_snowflake
    }

    pub fn next_conn(&mut self) -> u64 {
        self.next_conn += 1;
        self.next_conn
    }

    /// Websocket connections opened so far.
    pub fn connections_opened(&self) -> u64 {
        self.next_conn
    }

    pub fn session_mut(&mut self, conn: u64) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.conn == conn)
    }

    /// The connection id of the live session (see `live_session`).
    pub fn live_conn(&self) -> Option<u64> {
        let live = self.sessions.iter().rev().find(|s| s.connected && s.ready);
        live.map(|s| s.conn)
    }

    /// The newest connected session that has received READY (or RESUMED).
    pub fn live_session(&mut self) -> Option<&mut Session> {
        self.sessions
            .iter_mut()
            .rev()
            .find(|s| s.connected && s.ready)
    }

    pub fn interaction(&self, id: u64) -> Option<&InteractionRec> {
        self.interactions.iter().find(|i| i.id == id)
    }

    pub fn interaction_by_token(&mut self, token: &str) -> Option<&mut InteractionRec> {
        self.interactions.iter_mut().find(|i| i.token == token)
    }

    pub fn message(&self, id: u64) -> Option<&StoredMessage> {
        self.messages.iter().find(|m| m.id == id)
    }

    pub fn message_mut(&mut self, id: u64) -> Option<&mut StoredMessage> {
        self.messages.iter_mut().find(|m| m.id == id)
    }

    /// Consumes one use of a channel failure, if one is set.
    pub fn take_failure(&mut self, channel_id: u64) -> Option<Failure> {
        let (failure, left) = self.failures.get_mut(&channel_id)?;
        let failure = *failure;
        if let Some(n) = left {
            *n -= 1;
            if *n == 0 {
                self.failures.remove(&channel_id);
            }
        }
        Some(failure)
    }

    pub fn heartbeat_interval(&self) -> Duration {
        self.cfg.heartbeat_interval
    }
}
