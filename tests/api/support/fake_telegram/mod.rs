//! A faithful fake of the Telegram Bot API for integration tests, built to
//! `shared/reference/chat-platforms.md` and checked against the sources of
//! the real server (tdlib/telegram-bot-api and tdlib) and recorded live
//! answers: real paths, JSON shapes, error statuses and descriptions,
//! `parameters.retry_after`/`migrate_to_chat_id`, HTML parsing with tdlib's
//! error texts, long polling with offset confirmation. Point teloxide at it
//! with `Bot::new(token).set_api_url(fake.url().parse()?)`.
//!
//! Tests steer it with the sync methods below (users write, buttons are
//! pressed, failures are injected) and read back what the bot did
//! (`inspect.rs`). Choices where the docs are silent are documented where
//! they are made; the main ones:
//!
//! - unknown chat ids are accepted with a type inferred from the id's shape
//!   (`ChatSpec::inferred`) unless `require_known_chats(true)`;
//! - bot messages carry only the entities their formatting produced: the
//!   url/mention/hashtag entities Telegram adds on its own are not modelled;
//!   user messages get `bot_command` entities (tdlib's matcher) only;
//! - `parse_mode` Markdown/MarkdownV2 are refused with a 400 that says the
//!   fake does not emulate them (the bot must send HTML);
//! - `sendMessage` always succeeds instantly unless a failure is injected;
//!   flood control is opt-in (`enforce_limits`, rule in `limits.rs`).
#![allow(dead_code)]

mod args;
mod commands;
mod entities;
mod html;
mod inspect;
mod limits;
mod markup;
mod messages;
mod push;
mod records;
mod render;
mod reply;
mod routes;
mod state;
mod tags;
mod text;
mod updates;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

// The public surface; a test binary need not name every item.
#[allow(unused_imports)]
pub use records::{
    BotCommand, CallbackAnswer, ChatKind, ChatSpec, CommandSet, EditRecord, LoggedCall,
    SentMessage, TgUser,
};
#[allow(unused_imports)]
pub use reply::Failure;

use state::{MethodFailure, Shared};

/// Handle to a running fake; clones share it. The server stops when the
/// last clone is dropped (and with the test's runtime in any case).
#[derive(Clone)]
pub struct FakeTelegram {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Releases held long polls, then stops accepting.
        self.shared.closed.store(true, Ordering::Relaxed);
        self.shared.updates.notify_waiters();
        self.task.abort();
    }
}

impl FakeTelegram {
    /// Serves the Bot API for `token` on 127.0.0.1 (a free port). The token
    /// must look real (`123456789:AA…`): its number is the bot's user id.
    pub async fn start(token: &str) -> FakeTelegram {
        let bot_id = token
            .split_once(':')
            .and_then(|(id, _)| id.parse::<i64>().ok())
            .unwrap_or(0);
        let shared = Arc::new(Shared::new(token, bot_id));
        // The token must pass the real front's checks, or every call would.
        assert!(
            routes::check_token(&shared, token).is_ok(),
            "fake telegram: token must look like a real one, 123456789:AAbc-_ (got {token:?})"
        );
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake telegram: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake telegram: local_addr");
        let router = routes::router(shared.clone());
        let task = tokio::spawn(async move {
            // Errors here only mean the test runtime is going away.
            let _ = axum::serve(listener, router).await;
        });
        FakeTelegram {
            inner: Arc::new(Inner { shared, addr, task }),
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    fn with<R>(&self, f: impl FnOnce(&mut state::State) -> R) -> R {
        let r = f(&mut self.shared().lock());
        self.shared().touched();
        r
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: the API URL for teloxide.
    pub fn url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    pub fn token(&self) -> String {
        self.shared().token.clone()
    }

    /// The bot's user id (the token's number).
    pub fn bot_id(&self) -> i64 {
        self.shared().bot_id
    }

    // ---- the bot's profile and the world around it ----

    /// Default "spacewarden_bot".
    pub fn set_bot_username(&self, username: &str) -> &Self {
        self.with(|st| st.bot.username = username.to_string());
        self
    }

    /// Privacy mode (default on, as for new bots): in groups only commands
    /// for this bot are delivered; `getMe` reports it.
    pub fn set_privacy_mode(&self, on: bool) -> &Self {
        self.with(|st| st.bot.privacy = on);
        self
    }

    /// Registers (or replaces) a chat.
    pub fn add_chat(&self, spec: ChatSpec) -> &Self {
        self.with(|st| st.chats.insert(spec.id, spec));
        self
    }

    /// Unregistered chat ids answer "chat not found" instead of being
    /// inferred.
    pub fn require_known_chats(&self, on: bool) -> &Self {
        self.with(|st| st.strict_chats = on);
        self
    }

    /// Pretends a webhook is set: `getUpdates` then answers 409 until the
    /// bot calls `deleteWebhook`.
    pub fn set_webhook(&self, url: Option<&str>) -> &Self {
        self.with(|st| st.webhook_url = url.unwrap_or("").to_string());
        self
    }

    /// The server's anti-spin rule for repeated `getUpdates` offsets (on by
    /// default; see `updates.rs`).
    pub fn set_poll_spin_guard(&self, on: bool) -> &Self {
        self.with(|st| st.poll.spin_guard = on);
        self
    }

    /// Opt-in flood control (rule in `limits.rs`).
    pub fn enforce_limits(&self, on: bool) -> &Self {
        self.with(|st| st.limits.enabled = on);
        self
    }

    // ---- failures ----

    /// Telegram's front is down: every call answers nginx's 502 HTML page
    /// until `set_down(false)`.
    pub fn set_down(&self, down: bool) -> &Self {
        self.with(|st| st.down = down);
        self
    }

    /// The next `n` calls of `method` (any case, e.g. "sendMessage") fail
    /// with `failure`, before any validation.
    pub fn fail_next(&self, method: &str, n: u32, failure: Failure) -> &Self {
        self.with(|st| {
            st.method_failures.push(MethodFailure {
                method: method.to_ascii_lowercase(),
                remaining: n,
                failure,
            })
        });
        self
    }

    /// Every call about `chat_id` fails with `failure` until cleared (after
    /// the server's own checks, where Telegram would answer it). For
    /// `Migrated`, the new chat (unless already added) is registered as a
    /// supergroup with the old title, and works.
    pub fn fail_chat(&self, chat_id: i64, failure: Failure) -> &Self {
        self.with(|st| {
            if let Failure::Migrated { to_chat_id } = failure {
                let title = st.chat_or_inferred(chat_id).title.unwrap_or_default();
                st.chats
                    .entry(to_chat_id)
                    .or_insert_with(|| ChatSpec::supergroup(to_chat_id, &title));
            }
            st.chat_failures.insert(chat_id, failure);
        });
        self
    }

    pub fn clear_chat_failure(&self, chat_id: i64) -> &Self {
        self.with(|st| st.chat_failures.remove(&chat_id));
        self
    }

    pub fn clear_failures(&self) -> &Self {
        self.with(|st| {
            st.chat_failures.clear();
            st.method_failures.clear();
        });
        self
    }
}
