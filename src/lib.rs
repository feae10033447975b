//! spacewarden: keeps Hugging Face Spaces alive. It checks every watched Space through
//! the Hub API and by probing its app, records every result in SQLite, and (as it
//! grows) repairs, alerts and takes commands from chat.
//!
//! # Layout
//! - [`config`]: typed settings from the environment and `.env`, validated at startup;
//!   the older tools' names read as aliases, and where each setting came from (for the
//!   startup log and `doctor`).
//! - [`domain`]: Space ids, stages, verdicts, observations; pure, no I/O.
//! - [`i18n`]: messages for people in English and Chinese (Fluent files under
//!   `locales/`), and which language a tag or a browser asks for.
//! - [`hub`]: the Hugging Face API behind the [`hub::Hub`] trait, and the app probe.
//! - [`store`]: SQLite or Postgres through sqlx; the only place with SQL.
//! - [`alerts`]: the alert value, the outbox, delivery with retry; every destination
//!   (log, webhook, Telegram, Discord, and the team-chat and phone-push channels:
//!   DingTalk, Feishu, WeCom, ServerChan, PushPlus, Bark, ntfy, Gotify) one file in
//!   `alerts/destinations/`, built from
//!   the configuration in one function there.
//! - [`commands`]: the platform-neutral command core (parse, authorize, execute,
//!   `Reply`), shared by the chat adapters and the API.
//! - [`chat`]: chat adapters (Telegram, Discord): updates in, HTML or embeds out (alert
//!   rendering included; the alert notifiers are destinations in `alerts`).
//! - [`clock`]: wall-clock time behind a trait (tests move it).
//! - [`monitor`]: the check engine: the scheduler, the check cycle, planning, the repair
//!   ladder, keep-alive, the token self-test.
//! - [`app`]: the composition, written once: `App::build` turns the configuration into
//!   the store, Hub client, probe, monitor and command core every subcommand runs on;
//!   `Purpose` says what differs (daemon, check, one-shot, report).
//! - [`cli`]: the command line: `spacewarden check` (its table and JSON; `--repair`,
//!   the daemon's work in one run), `report` (a static site), `run`, `restart` and
//!   `rebuild` (one repair asked for), `doctor` (what was understood, checked without
//!   acting).
//! - [`retry_after`]: the one `Retry-After` parser (seconds or HTTP date).
//! - [`supervise`]: supervision of the daemon's parts (an enum) and tasks (restart with
//!   backoff, panics logged and counted; a part's failure is a `PartFailure`).
//! - [`replica`]: leadership on Postgres, so replicas act once.
//! - [`telemetry`]: logging, with secret-printing targets capped; error references.
//! - [`view`]: the read model: every watched Space's state, one Space in detail, the
//!   status page's aggregates, a Space's history. Chat, Discord autocomplete, the
//!   pages, the API, `/metrics` and the report read the store through it, so the
//!   watch-list rule is applied once.
//! - [`web`]: the HTTP server on `PORT`: health, status pages, JSON API, `/metrics`,
//!   and the older tools' APIs in `web/compat/`.
//! - `fuzzing` (hidden): the only entrances of the cargo-fuzz targets under `fuzz/`.

pub mod alerts;
pub mod app;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod hub;
pub mod i18n;
pub mod monitor;
pub mod replica;
pub mod retry_after;
pub mod store;
pub mod supervise;
pub mod telemetry;
pub mod view;
pub mod web;

/// The entrances of the cargo-fuzz targets under `fuzz/`, and nothing else: the
/// targets call only these, so when a parser moves, one line here is re-pointed.
/// Not an API.
#[doc(hidden)]
pub mod fuzzing {
    use std::collections::BTreeMap;

    use secrecy::SecretString;

    use crate::config::{self, ConfigError};
    use crate::domain::WatchTarget;

    pub use crate::chat::discord::commands::{Asked, decode_interaction};
    pub use crate::chat::telegram::render::{
        MAX_MESSAGE as TELEGRAM_MAX_MESSAGE, escape as telegram_escape, reply as telegram_reply,
    };
    pub use crate::commands::{
        Block, ButtonAction, Command, ParseError, Reply, Severity, SpaceLine,
        parse as parse_command,
    };
    pub use crate::config::{CheckSchedule, SpaceSettings};
    pub use crate::domain::Verdict;
    pub use crate::hub::RateLimit;
    pub use crate::hub::client::next_page_on;
    pub use crate::hub::ratelimit::wait_after_429;
    pub use crate::hub::sse::{SseEvent, SseOverflow, SseParser};
    pub use crate::retry_after::{MAX_WAIT as RETRY_AFTER_MAX, parse as parse_retry_after};

    /// `SPACES`, `SPACE_LIST` and `USERNAME`, read as at startup. Through the
    /// parsers themselves, not `Config::from_lookup`: that also builds the default
    /// cause table, dozens of regexes, which made five inputs a second.
    pub fn watch_list(
        spaces: &str,
        space_list: &str,
        username: &str,
    ) -> Result<Vec<WatchTarget>, ConfigError> {
        config::watch_list(var(spaces), "SPACES", var(space_list), var(username))
    }

    /// `HF_USER`, read as at startup: lowercased owner → its own token, if any.
    pub fn owner_tokens(
        hf_user: &str,
    ) -> Result<BTreeMap<String, Option<SecretString>>, ConfigError> {
        config::owner_tokens(var(hf_user))
    }

    fn var(text: &str) -> Option<String> {
        config::value(Some(text.to_owned()))
    }
}
