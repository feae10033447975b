//! spacewarden: keeps Hugging Face Spaces alive. It checks every watched Space through
//! the Hub API and by probing its app, records every result in SQLite, and (as it
//! grows) repairs, alerts and takes commands from chat.
//!
//! # Layout
//! - [`config`]: typed settings from the environment and `.env`, validated at startup.
//! - [`domain`]: Space ids, stages, verdicts, observations; pure, no I/O.
//! - [`hub`]: the Hugging Face API behind the [`hub::Hub`] trait, and the app probe.
//! - [`store`]: SQLite through sqlx; the only place with SQL.
//! - [`alerts`]: the alert value, the outbox, delivery with retry, log and webhook
//!   destinations.
//! - [`commands`]: the platform-neutral command core (parse, authorize, execute,
//!   `Reply`), shared by the chat adapters and the API.
//! - [`chat`]: chat adapters (Telegram, Discord): updates in, HTML or embeds out, alert
//!   notifiers.
//! - [`clock`]: wall-clock time behind a trait (tests move it).
//! - [`monitor`]: one check cycle (and later the scheduler, repairs, keep-alive).
//! - [`cli`]: the command line: `spacewarden check` (its table and JSON; `--repair`,
//!   the daemon's work in one run), `report` (a static site), `run`.
//! - [`retry_after`]: the one `Retry-After` parser (seconds or HTTP date).
//! - [`supervise`]: supervision of the daemon's parts and tasks (restart with backoff,
//!   panics logged and counted).
//! - [`telemetry`]: logging, with secret-printing targets capped; error references.
//! - [`webhook`]: the `ALERT_WEBHOOK_URL` destination (JSON over HTTP).
//! - [`web`]: the HTTP server on `PORT`: health, status pages, JSON API, `/metrics`.

pub mod alerts;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod hub;
pub mod monitor;
pub mod retry_after;
pub mod store;
pub mod supervise;
pub mod telemetry;
pub mod web;
pub mod webhook;
