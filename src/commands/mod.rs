//! The platform-neutral command core: `Command` (declared once in the `catalogue`,
//! parsed from text or built from slash options, form fields or the API's path),
//! `Actor` (who, from where), one authorization (`Access::authorize`), execution
//! against the monitor, store and Hub, a structured `Reply` and a typed `Outcome`.
//! Every entrance (Telegram, Discord, buttons, the JSON API, the page, the CLI) calls
//! `CommandCore::execute` (or `press` for a button), and every command, accepted or
//! refused, is audited the same way. No chat platform's or web framework's types here.

mod access;
pub mod catalogue;
mod costs;
mod help;
mod history;
mod inspect;
mod lang;
mod name;
mod parse;
mod press;
mod relay;
mod repair;
mod reply;
mod spec;
mod status;
mod switches;
mod test_alert;
mod words;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::domain::{ActionActor, Person, SpaceId, Via};
use crate::i18n::Lang;
use crate::monitor::Monitor;
use crate::replica::{self, Replica};
use crate::store::{AuditEntry, Store};
use crate::t;

pub use access::{Access, Denied};
pub use catalogue::{CATALOGUE, Command, CommandName, Role, Spec};
pub use parse::{ParseError, Reason, parse};
pub use reply::{Block, Button, ButtonAction, ButtonStyle, Reply, Severity, SpaceLine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Platform {
    Telegram,
    Discord,
    /// The JSON API (authenticated by `API_KEY`).
    Api,
    /// The status page, as a signed-in user.
    Web,
    /// The command line on the host.
    Cli,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Api => "api",
            Platform::Web => "web",
            Platform::Cli => "cli",
        }
    }
}

/// Who asks: a numeric platform user id (never a username) for chats, the signed-in
/// user name for the page; the API and the CLI are one actor each.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Actor {
    pub platform: Platform,
    pub user_id: String,
    /// The chat or channel the request came from.
    pub chat_id: Option<i64>,
    /// A page user signed in with Hugging Face as a viewer (`WEB_VIEWERS`): may read,
    /// never act. Authenticated at the edge like every web actor.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub viewer: bool,
    /// The language the reply is written in (`in_lang`). Relayed as its tag; a request
    /// written by an older replica, without it, is answered in English.
    #[serde(default, with = "lang_tag")]
    pub lang: Lang,
}

/// `Lang` as its tag (`en`, `zh-CN`) in a relayed request; a tag this build has no
/// file for reads as its closest file, else English.
mod lang_tag {
    use crate::i18n::Lang;

    pub fn serialize<S: serde::Serializer>(lang: &Lang, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(lang.tag())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let tag = <String as serde::Deserialize>::deserialize(d)?;
        Ok(Lang::match_tag(&tag).unwrap_or_default())
    }
}

impl Actor {
    pub fn telegram(user: i64, chat: i64) -> Actor {
        Actor {
            platform: Platform::Telegram,
            user_id: user.to_string(),
            chat_id: Some(chat),
            viewer: false,
            lang: Lang::EN,
        }
    }

    pub fn discord(user: u64, channel: u64) -> Actor {
        Actor {
            platform: Platform::Discord,
            user_id: user.to_string(),
            chat_id: i64::try_from(channel).ok(),
            viewer: false,
            lang: Lang::EN,
        }
    }

    pub fn api() -> Actor {
        Actor {
            platform: Platform::Api,
            user_id: "api".into(),
            chat_id: None,
            viewer: false,
            lang: Lang::EN,
        }
    }

    /// A request with `API_READ_KEY`: may read, not act.
    pub fn api_reader() -> Actor {
        Actor {
            platform: Platform::Api,
            user_id: access::API_READER.into(),
            chat_id: None,
            viewer: false,
            lang: Lang::EN,
        }
    }

    pub fn web(user: &str) -> Actor {
        Actor {
            platform: Platform::Web,
            user_id: user.into(),
            chat_id: None,
            viewer: false,
            lang: Lang::EN,
        }
    }

    /// A page user with the viewer's role (`web:hf:<name>` in the audit).
    pub fn web_viewer(user: &str) -> Actor {
        Actor {
            viewer: true,
            ..Actor::web(user)
        }
    }

    pub fn cli() -> Actor {
        Actor {
            platform: Platform::Cli,
            user_id: "cli".into(),
            chat_id: None,
            viewer: false,
            lang: Lang::EN,
        }
    }

    /// The same actor, answered in `lang`.
    pub fn in_lang(self, lang: Lang) -> Actor {
        Actor { lang, ..self }
    }

    /// How the actor is recorded in `actions`.
    pub fn action_actor(&self) -> ActionActor {
        let person = |via| ActionActor::Person(Person::new(via, &self.user_id));
        match self.platform {
            Platform::Api => ActionActor::Api,
            Platform::Cli => ActionActor::Cli,
            Platform::Telegram => person(Via::Telegram),
            Platform::Discord => person(Via::Discord),
            Platform::Web => person(Via::Web),
        }
    }

    /// How the actor is shown in alerts and logs, as it is recorded: `telegram:42`,
    /// `discord:7`, `web:alice`, `api`, `cli`.
    pub fn label(&self) -> String {
        self.action_actor().to_string()
    }
}

/// How a command ended, for entrances that answer with more than text (the API's
/// status codes, the page's flash) and for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// Done or started; `action` is the action row written for it, if any.
    Done {
        action: Option<i64>,
    },
    /// A confirmation was asked for; nothing happened yet.
    AskedFirst,
    Denied(Denied),
    /// The arguments are not usable (not a Space id, a bad duration).
    BadRequest,
    /// The Space is not on the watch list.
    NotWatched,
    /// Another action holds the Space.
    InFlight,
    /// The Hub refused or failed; the reply says how, with a reference.
    Failed,
    /// Something of ours failed; the reference is in the reply and the log.
    Internal,
    /// A follower replica could not get a leader to carry the command out.
    Unavailable,
}

impl Outcome {
    /// The audit log's word for it.
    fn audit(&self) -> &'static str {
        match self {
            Outcome::Done { .. } | Outcome::AskedFirst => "ok",
            Outcome::Denied(_) => "refused",
            Outcome::BadRequest | Outcome::NotWatched => "bad request",
            Outcome::InFlight => "in flight",
            Outcome::Failed => "failed",
            Outcome::Internal => "error",
            Outcome::Unavailable => "no leader",
        }
    }
}

/// A reply that will be replaced later (a restart's outcome).
pub type FollowUp = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// What a command produced.
pub struct Response {
    pub reply: Reply,
    pub outcome: Outcome,
    /// When set, the adapter edits the reply with this once it resolves.
    pub follow_up: Option<FollowUp>,
}

impl Response {
    fn done(reply: Reply) -> Response {
        Response::with(Outcome::Done { action: None }, reply)
    }

    fn with(outcome: Outcome, reply: Reply) -> Response {
        Response {
            reply,
            outcome,
            follow_up: None,
        }
    }

    /// Something of ours failed: a reference in the reply, the cause in the log.
    fn internal(lang: Lang, context: &str, error: &(dyn std::error::Error + 'static)) -> Response {
        Response::with(Outcome::Internal, words::internal(lang, context, error))
    }

    /// A read command's answer: an error reply is a failure.
    fn read(reply: Reply) -> Response {
        let outcome = match reply.severity {
            Severity::Bad => Outcome::Failed,
            _ => Outcome::Done { action: None },
        };
        Response::with(outcome, reply)
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

/// Executes commands for every entrance.
#[derive(Clone)]
pub struct CommandCore {
    monitor: Monitor,
    /// The command layer's own tables (confirmations, the audit log, relayed
    /// requests) and the state it reads for an answer: held here, not borrowed from
    /// `monitor` at each use, so the monitor stays the check engine.
    store: Store,
    access: Arc<Access>,
    check_now: Option<Arc<Notify>>,
    /// Replicas: a follower hands mutating commands to the leader (`relay`).
    replica: Option<Replica>,
}

impl CommandCore {
    pub fn new(monitor: Monitor, access: Access, check_now: Option<Arc<Notify>>) -> CommandCore {
        CommandCore {
            store: monitor.store().clone(),
            monitor,
            access: Arc::new(access),
            check_now,
            replica: None,
        }
    }

    /// Knows this process's role: while it follows, mutating commands are relayed.
    pub fn with_replica(mut self, replica: Replica) -> CommandCore {
        self.replica = Some(replica);
        self
    }

    fn follows(&self) -> bool {
        self.replica
            .as_ref()
            .is_some_and(|replica| replica.role() == replica::Role::Follower)
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// Authorizes, runs and audits one command.
    pub async fn execute(&self, actor: &Actor, command: Command) -> Response {
        self.execute_where(actor, command, self.follows()).await
    }

    /// Authorizes, then hands a mutating command to the leader when `relay` (this
    /// process follows), or runs and audits it here (the leader carrying out a
    /// relayed request never relays it again).
    async fn execute_where(&self, actor: &Actor, command: Command, relay: bool) -> Response {
        let described = command.describe();
        if let Err(denied) = self.access.authorize(actor, command.spec()) {
            return self.deny(actor, &described, denied).await;
        }
        if relay && command.spec().mutates {
            // The leader audits it when it carries it out.
            return self.relay(actor, command).await;
        }
        let response = self.run(actor, command).await;
        self.audit(actor, &described, true, response.outcome.audit())
            .await;
        response
    }

    /// The refusal every entrance shows, audited.
    async fn deny(&self, actor: &Actor, described: &str, denied: Denied) -> Response {
        self.audit(actor, described, false, Outcome::Denied(denied).audit())
            .await;
        Response::with(
            Outcome::Denied(denied),
            Reply::error(denied.text(actor.lang)),
        )
    }

    /// A text that failed to parse: a usage line, audited like a command.
    pub async fn parse_error(&self, actor: &Actor, text: &str, error: ParseError) -> Response {
        let text: String = text.chars().take(100).collect();
        if !self.access.can_read(actor) {
            return self.deny(actor, &text, Denied::NotHere).await;
        }
        self.audit(actor, &text, true, "bad command").await;
        Response::with(Outcome::BadRequest, Reply::error(error.text(actor.lang)))
    }

    /// A Space argument: a valid id on the watch list (`Monitor::watches`, the one rule
    /// of every entrance), in the Hub's spelling once it has been checked.
    async fn resolve(&self, lang: Lang, text: &str) -> Result<SpaceId, Response> {
        let id = SpaceId::parse(text).map_err(|e| {
            Response::with(
                Outcome::BadRequest,
                Reply::error(t!(
                    lang,
                    "chat-not-a-space-id",
                    reason = e.sentence().in_lang(lang)
                )),
            )
        })?;
        if !self.monitor.watches(&id) {
            return Err(Response::with(
                Outcome::NotWatched,
                Reply::error(t!(lang, "chat-not-watched", space = id.to_string())),
            ));
        }
        match self.store.space_state(&id).await {
            Ok(Some(state)) => Ok(state.space),
            Ok(None) => Ok(id),
            Err(e) => Err(Response::internal(lang, "cannot read a Space", &e)),
        }
    }

    async fn audit(&self, actor: &Actor, command: &str, allowed: bool, outcome: &str) {
        let chat = actor.chat_id.map(|c| c.to_string());
        let entry = AuditEntry {
            at: self.monitor.now(),
            platform: actor.platform.as_str(),
            user_id: &actor.user_id,
            chat_id: chat.as_deref(),
            command,
            allowed,
            outcome,
        };
        if let Err(e) = self.store.audit(&entry).await {
            tracing::error!(error = %e, "cannot write the audit log");
        }
        if !allowed {
            tracing::warn!(actor = %actor.label(), command, "refused");
        }
    }

    fn check_now(&self, lang: Lang) -> Response {
        match &self.check_now {
            Some(signal) => {
                signal.notify_one();
                Response::done(Reply::new(Severity::Info, t!(lang, "chat-check-now")))
            }
            None => Response::with(
                Outcome::Failed,
                Reply::error(t!(lang, "chat-check-unavailable")),
            ),
        }
    }
}
