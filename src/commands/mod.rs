//! The platform-neutral command core: `Command` (parsed from text or built from slash
//! options), `Actor` (who, where), authorization against the configured admin ids,
//! execution against the monitor, store and Hub, and a structured `Reply`. No chat
//! platform's types appear here; Telegram and Discord adapters live in `chat/`.
//!
//! Every command, accepted or refused, is audited.

mod access;
mod actions;
mod inspect;
mod parse;
mod reply;
mod status;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::domain::SpaceId;
use crate::hub::LogKind;
use crate::monitor::Monitor;
use crate::store::AuditEntry;

pub use access::Access;
pub use parse::{ParseError, mute_duration, parse};
pub use reply::{Block, Button, ButtonAction, ButtonStyle, Reply, Severity, SpaceLine};

/// Everything a user can ask (DESIGN.md "Commands"). Space arguments stay raw text
/// here and are validated (and checked against the watch list) on execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Status(Option<String>),
    Spaces,
    History(String),
    Logs(String, LogKind),
    Metrics(String),
    Restart(String),
    Rebuild(String),
    Pause(String),
    Wake(String),
    Mute(String, Option<Duration>),
    Unmute(String),
    Check,
    Help,
}

impl Command {
    /// Commands that change something or reveal logs: admins only.
    pub fn needs_admin(&self) -> bool {
        !matches!(
            self,
            Command::Status(_)
                | Command::Spaces
                | Command::History(_)
                | Command::Metrics(_)
                | Command::Help
        )
    }

    /// The command as text, for the audit log.
    pub fn describe(&self) -> String {
        match self {
            Command::Status(None) => "/status".into(),
            Command::Status(Some(s)) => format!("/status {s}"),
            Command::Spaces => "/spaces".into(),
            Command::History(s) => format!("/history {s}"),
            Command::Logs(s, kind) => format!("/logs {s} {}", kind.as_str()),
            Command::Metrics(s) => format!("/metrics {s}"),
            Command::Restart(s) => format!("/restart {s}"),
            Command::Rebuild(s) => format!("/rebuild {s}"),
            Command::Pause(s) => format!("/pause {s}"),
            Command::Wake(s) => format!("/wake {s}"),
            Command::Mute(s, d) => match d {
                Some(d) => format!("/mute {s} {}", crate::domain::format_duration(*d)),
                None => format!("/mute {s}"),
            },
            Command::Unmute(s) => format!("/unmute {s}"),
            Command::Check => "/check".into(),
            Command::Help => "/help".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Telegram,
    Discord,
    Api,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Api => "api",
        }
    }
}

/// Who asks, identified by the numeric platform user id (never a username).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub platform: Platform,
    pub user_id: i64,
    /// The chat or channel the request came from.
    pub chat_id: Option<i64>,
}

impl Actor {
    /// How the actor is recorded in `actions` and shown in alerts.
    pub fn label(&self) -> String {
        match self.platform {
            Platform::Api => "api".into(),
            platform => format!("{}:{}", platform.as_str(), self.user_id),
        }
    }
}

/// A reply that will be replaced later (a restart's outcome).
pub type FollowUp = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// What a command produced.
pub struct Response {
    pub reply: Reply,
    /// When set, the adapter edits the reply with this once it resolves.
    pub follow_up: Option<FollowUp>,
}

impl Response {
    fn now(reply: Reply) -> Response {
        Response {
            reply,
            follow_up: None,
        }
    }
}

/// What a button press produced.
pub struct Press {
    /// The short notice shown to the presser (Telegram's answerCallbackQuery text).
    pub notice: String,
    /// The message carrying the button, edited (e.g. buttons removed) when set.
    pub edit: Option<Reply>,
    /// A new message to send in the same chat.
    pub message: Option<Reply>,
    /// Replaces the new message when there is one, else the pressed one.
    pub follow_up: Option<FollowUp>,
}

/// Executes commands for every adapter.
#[derive(Clone)]
pub struct CommandCore {
    monitor: Monitor,
    access: Arc<Access>,
    check_now: Option<Arc<Notify>>,
}

impl CommandCore {
    pub fn new(monitor: Monitor, access: Access, check_now: Option<Arc<Notify>>) -> CommandCore {
        CommandCore {
            monitor,
            access: Arc::new(access),
            check_now,
        }
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// Authorizes, runs and audits one command.
    pub async fn execute(&self, actor: &Actor, command: Command) -> Response {
        let described = command.describe();
        let allowed = if command.needs_admin() {
            self.access.is_admin(actor)
        } else {
            self.access.can_read(actor)
        };
        if !allowed {
            self.audit(actor, &described, false, "refused").await;
            let why = if self.access.can_read(actor) {
                "Only admins can do that."
            } else {
                "Sorry, this chat is not allowed to use spacewarden."
            };
            return Response::now(Reply::error(why));
        }
        let response = self.run(actor, command).await;
        let outcome = match response.reply.severity {
            Severity::Bad => "error",
            _ => "ok",
        };
        self.audit(actor, &described, true, outcome).await;
        response
    }

    /// A text that failed to parse: a usage line, audited like a command.
    pub async fn parse_error(&self, actor: &Actor, text: &str, error: ParseError) -> Response {
        let text: String = text.chars().take(100).collect();
        self.audit(actor, &text, self.access.can_read(actor), "bad command")
            .await;
        if !self.access.can_read(actor) {
            return Response::now(Reply::error(
                "Sorry, this chat is not allowed to use spacewarden.",
            ));
        }
        Response::now(match error {
            ParseError::Unknown(name) => {
                Reply::error(format!("Unknown command /{name}. Try /help."))
            }
            ParseError::Usage { usage, reason } => {
                Reply::error(format!("{reason}. Usage: {usage}"))
            }
        })
    }

    async fn run(&self, actor: &Actor, command: Command) -> Response {
        match command {
            Command::Status(None) => Response::now(self.overview(0).await),
            Command::Status(Some(space)) => {
                Response::now(self.with_space(&space, |id| self.detail(id)).await)
            }
            Command::Spaces => Response::now(self.space_list(0).await),
            Command::History(space) => {
                Response::now(self.with_space(&space, |id| self.history(id)).await)
            }
            Command::Logs(space, kind) => {
                Response::now(self.with_space(&space, |id| self.logs(id, kind)).await)
            }
            Command::Metrics(space) => {
                Response::now(self.with_space(&space, |id| self.metrics(id)).await)
            }
            Command::Restart(space) => match self.resolve(&space).await {
                Ok(id) => self.restart(actor, &id).await,
                Err(reply) => Response::now(reply),
            },
            Command::Rebuild(space) => Response::now(
                self.with_space(&space, |id| self.ask_rebuild(actor, id))
                    .await,
            ),
            Command::Pause(space) => {
                Response::now(self.with_space(&space, |id| self.pause(actor, id)).await)
            }
            Command::Wake(space) => {
                Response::now(self.with_space(&space, |id| self.wake(actor, id)).await)
            }
            Command::Mute(space, duration) => {
                let duration = duration.unwrap_or(Duration::from_secs(3600));
                Response::now(
                    self.with_space(&space, |id| self.mute(id, Some(duration)))
                        .await,
                )
            }
            Command::Unmute(space) => {
                Response::now(self.with_space(&space, |id| self.mute(id, None)).await)
            }
            Command::Check => Response::now(self.check_now()),
            Command::Help => Response::now(self.help(actor)),
        }
    }

    /// A Space argument: a valid id that we watch (or have seen), in the Hub's spelling.
    async fn resolve(&self, text: &str) -> Result<SpaceId, Reply> {
        let id = SpaceId::parse(text).map_err(|e| Reply::error(format!("Not a Space id: {e}")))?;
        match self.monitor.store().space_state(&id).await {
            Ok(Some(state)) => return Ok(state.space),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "command: store error");
                return Err(Reply::error(
                    "Something went wrong; the details are in the log.",
                ));
            }
        }
        let watched = self.monitor.config().watch.iter().any(|t| match t {
            crate::domain::WatchTarget::Space(w) => w.key() == id.key(),
            crate::domain::WatchTarget::Owner(_) => false,
        });
        if watched {
            Ok(id)
        } else {
            Err(Reply::error(format!("I don't watch {id}. See /spaces.")))
        }
    }

    async fn with_space<F, Fut>(&self, text: &str, f: F) -> Reply
    where
        F: FnOnce(SpaceId) -> Fut,
        Fut: Future<Output = Reply>,
    {
        match self.resolve(text).await {
            Ok(id) => f(id).await,
            Err(reply) => reply,
        }
    }

    async fn audit(&self, actor: &Actor, command: &str, allowed: bool, outcome: &str) {
        let chat = actor.chat_id.map(|c| c.to_string());
        let entry = AuditEntry {
            at: self.monitor.now(),
            platform: actor.platform.as_str(),
            user_id: &actor.user_id.to_string(),
            chat_id: chat.as_deref(),
            command,
            allowed,
            outcome,
        };
        if let Err(e) = self.monitor.store().audit(&entry).await {
            tracing::error!(error = %e, "cannot write the audit log");
        }
        if !allowed {
            tracing::warn!(actor = %actor.label(), command, "refused");
        }
    }

    fn help(&self, actor: &Actor) -> Reply {
        let mut lines = vec![
            "/status [owner/name]: all Spaces at a glance, or one in detail",
            "/spaces: the watch list with verdicts",
            "/history owner/name: recent incidents and actions",
            "/metrics owner/name: live CPU, memory, network",
        ];
        if self.access.is_admin(actor) {
            lines.extend([
                "/logs owner/name [build|run]: the last log lines",
                "/restart owner/name: restart now",
                "/rebuild owner/name: factory rebuild (asks first)",
                "/pause owner/name, /wake owner/name",
                "/mute owner/name [1h], /unmute owner/name: silence alerts",
                "/check: check every Space now",
            ]);
        }
        lines.push("/help: this list");
        Reply::new(Severity::Info, "spacewarden commands")
            .block(Block::Code(lines.into_iter().map(str::to_owned).collect()))
    }

    fn check_now(&self) -> Reply {
        match &self.check_now {
            Some(signal) => {
                signal.notify_one();
                Reply::new(
                    Severity::Info,
                    "🔎 Checking every Space now; changes will be alerted.",
                )
            }
            None => Reply::error("Checks on demand are not available here."),
        }
    }
}
