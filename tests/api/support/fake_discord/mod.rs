//! A faithful fake of Discord (REST API v10 and the gateway websocket) for
//! the integration tests, built to `shared/reference/chat-platforms.md` and
//! checked field by field against serenity 0.12.5's models, so a bot built
//! on serenity/poise runs against it unchanged: hand `url()` to
//! `HttpBuilder::proxy` (rate limiter off) and serenity finds the gateway
//! through `GET /api/v10/gateway`. One listener on 127.0.0.1 serves both.
//!
//! Tests steer it with the sync setters below, push interactions with
//! `dispatch_interaction`, and read back requests, callbacks, messages and
//! commands. Choices where Discord's docs are silent are documented in the
//! module that makes them (`rest`, `interactions`, `commands`, `messages`,
//! `gateway`, `ratelimit`, `dispatch`).
#![allow(dead_code)]

mod commands;
mod dispatch;
mod gateway;
mod interactions;
mod limits;
mod messages;
mod observe;
mod payloads;
mod ratelimit;
mod reply;
mod rest;
mod spec;
mod state;
mod types;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio::time::Instant;

// The public surface; a test binary need not name every item.
#[allow(unused_imports)]
pub use spec::{ADMIN_PERMISSIONS, InteractionSpec, MEMBER_PERMISSIONS};
#[allow(unused_imports)]
pub use types::*;

use state::{Outgoing, Shared, State};

/// Handle to a running fake; clones share it. The server stops when the
/// last clone is dropped (and with the test's runtime in any case).
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping the senders ends every websocket session task.
        self.shared.update(|st| st.sessions.clear());
        self.task.abort();
    }
}

impl FakeDiscord {
    /// Starts with the defaults of `FakeDiscordConfig::new(token)`: one
    /// guild (`DEFAULT_GUILD_ID`) with one text channel (`DEFAULT_CHANNEL_ID`).
    pub async fn start(token: &str) -> FakeDiscord {
        FakeDiscord::start_with(FakeDiscordConfig::new(token)).await
    }

    pub async fn start_with(cfg: FakeDiscordConfig) -> FakeDiscord {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake discord: local_addr");
        let base_url = format!("http://{addr}");
        let state = State::new(cfg, format!("ws://{addr}/gateway"));
        let shared = Arc::new(Shared::new(state, base_url));
        let router = rest::router(shared.clone());
        let task = tokio::spawn(async move {
            // An error here only means the test runtime is going away.
            let _ = axum::serve(listener, router).await;
        });
        FakeDiscord {
            inner: Arc::new(Inner { shared, task }),
        }
    }

    fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        self.inner.shared.update(f)
    }

    fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.inner.shared.lock())
    }

    // ---- addresses and identity ----

    /// `http://127.0.0.1:PORT`, no trailing slash: what `HttpBuilder::proxy`
    /// gets. REST lives under `/api/v10/`.
    pub fn url(&self) -> String {
        self.inner.shared.base_url.clone()
    }

    /// `ws://127.0.0.1:PORT/gateway`, as `GET /api/v10/gateway` returns it.
    pub fn gateway_url(&self) -> String {
        self.read(|st| st.gateway_url.clone())
    }

    pub fn token(&self) -> String {
        self.read(|st| st.cfg.token.clone())
    }

    pub fn application_id(&self) -> u64 {
        self.read(|st| st.cfg.application_id)
    }

    pub fn bot_user_id(&self) -> u64 {
        self.read(|st| st.cfg.bot_user_id)
    }

    pub fn owner_id(&self) -> u64 {
        self.read(|st| st.cfg.owner_id)
    }

    // ---- the world ----

    /// A guild the bot is in (shown in READY and GUILD_CREATE).
    pub fn add_guild(&self, guild_id: u64, name: &str) -> &Self {
        self.update(|st| st.add_guild(guild_id, name));
        self
    }

    /// A text channel of a guild added before.
    pub fn add_channel(&self, guild_id: u64, channel_id: u64, name: &str) -> &Self {
        self.update(|st| st.add_channel(channel_id, Some(guild_id), name));
        self
    }

    /// Enables privileged intents (`INTENT_*`) as in the developer portal;
    /// requesting one not enabled closes the gateway with 4014.
    pub fn enable_intents(&self, intents: u64) -> &Self {
        self.update(|st| st.enabled_intents |= intents);
        self
    }

    /// HELLO's interval for the next connections.
    pub fn set_heartbeat_interval(&self, interval: Duration) -> &Self {
        self.update(|st| st.cfg.heartbeat_interval = interval);
        self
    }

    /// Time allowed between dispatch and the first callback.
    pub fn set_ack_window(&self, window: Duration) -> &Self {
        self.update(|st| st.cfg.ack_window = window);
        self
    }

    /// Life of interaction tokens for the webhook routes.
    pub fn set_token_lifetime(&self, lifetime: Duration) -> &Self {
        self.update(|st| st.cfg.token_lifetime = lifetime);
        self
    }

    // ---- faults ----

    /// Every REST call under `/channels/{channel_id}/` fails until healed.
    pub fn fail_channel(&self, channel_id: u64, failure: Failure) {
        self.update(|st| st.failures.insert(channel_id, (failure, None)));
    }

    /// The next `n` calls under `/channels/{channel_id}/` fail.
    pub fn fail_channel_times(&self, channel_id: u64, failure: Failure, n: u32) {
        if n > 0 {
            self.update(|st| st.failures.insert(channel_id, (failure, Some(n))));
        }
    }

    pub fn heal_channel(&self, channel_id: u64) {
        self.update(|st| st.failures.remove(&channel_id));
    }

    /// While down, every REST call answers Cloudflare's HTML 502.
    pub fn set_down(&self, down: bool) {
        self.update(|st| st.down = down);
    }

    /// The next `n` REST calls whose path contains `route_contains` get a
    /// 429 with `retry_after` seconds (global or per-route).
    pub fn rate_limit_next(
        &self,
        route_contains: &str,
        n: u32,
        retry_after_secs: f64,
        global: bool,
    ) {
        self.update(|st| {
            st.limits
                .inject(route_contains, n, retry_after_secs, global)
        });
    }

    /// Enforces `limit` requests per `window` per bucket (off by default;
    /// the headers are always sent).
    pub fn enforce_rate_limits(&self, limit: u32, window: Duration) {
        self.update(|st| {
            st.limits.enforce = true;
            st.limits.limit = limit;
            st.limits.window = window;
        });
    }

    /// Closes every open gateway connection with `code` (e.g. 4000 to make
    /// the bot resume, 4004 to make it give up).
    pub fn close_gateway(&self, code: u16, reason: &str) {
        self.update(|st| {
            for s in st.sessions.iter_mut().filter(|s| s.connected) {
                let _ = s.tx.send(Outgoing::Close(code, reason.to_string()));
                s.ready = false;
            }
        });
    }

    /// Sends op 7 RECONNECT on the live session.
    pub fn request_reconnect(&self) {
        self.send_op(r#"{"t":null,"s":null,"op":7,"d":null}"#);
    }

    /// Sends op 9 INVALID SESSION (`d` = resumable) on the live session.
    pub fn invalidate_session(&self, resumable: bool) {
        self.send_op(&format!(r#"{{"t":null,"s":null,"op":9,"d":{resumable}}}"#));
    }

    fn send_op(&self, text: &str) {
        self.update(|st| {
            if let Some(s) = st.live_session() {
                let _ = s.tx.send(Outgoing::Text(text.to_string()));
            }
        });
    }

    // ---- dispatch ----

    /// Waits (up to 5 s) for a READY session, then sends INTERACTION_CREATE.
    /// Panics when no session is ready or the spec breaks a rule of Discord's
    /// client (see `InteractionSpec`).
    pub async fn dispatch_interaction(&self, spec: InteractionSpec) -> InteractionHandle {
        match self.try_dispatch_interaction(spec).await {
            Ok(handle) => handle,
            Err(why) => panic!("fake discord: cannot dispatch interaction: {why}"),
        }
    }

    /// As `dispatch_interaction`, but says why instead of panicking (e.g.
    /// to show a disabled button can no longer be pressed).
    pub async fn try_dispatch_interaction(
        &self,
        spec: InteractionSpec,
    ) -> Result<InteractionHandle, String> {
        if !self.wait_ready(Duration::from_secs(5)).await {
            return Err("no gateway session is READY".to_string());
        }
        let now = Instant::now();
        self.update(|st| {
            let conn = st.live_conn().ok_or("no gateway session is READY")?;
            let (payload, rec) = dispatch::build(st, &spec, now)?;
            let seq = gateway::dispatch(st, conn, "INTERACTION_CREATE", payload.clone())
                .ok_or("the gateway connection is closing")?;
            let handle = InteractionHandle {
                id: rec.id,
                token: rec.token.clone(),
                application_id: st.cfg.application_id,
                channel_id: rec.channel_id,
                guild_id: rec.guild_id,
                seq,
                dispatched_at: now,
                payload,
            };
            st.interactions.push(rec);
            Ok(handle)
        })
    }

    /// Sends any dispatch event `t` with data `d` on the live session;
    /// returns its sequence number.
    pub fn dispatch_event(&self, t: &str, d: Value) -> Option<u64> {
        self.update(|st| {
            let conn = st.live_conn()?;
            gateway::dispatch(st, conn, t, d)
        })
    }
}
