//! The command catalogue: every command declared here once, all in this file. Its
//! name (`command_names!`), its entry (description, arguments, role, whether it acts,
//! asks first or is slow), its `Command` variant, how it is built from its arguments,
//! described for the audit log, and run. Each of these is an exhaustive match, so the
//! compiler names the one a new command forgot. Everything else is derived from the
//! entries: the text parser's usage lines, Telegram's command menus, Discord's
//! slash-command registration, `/help`, and the actions the JSON API and the page offer.
//! What an entry is (`Spec`, its arguments) is in `spec.rs`; the handlers are
//! `CommandCore` methods in the files named after them.

use std::time::Duration;

use super::name::command_names;
pub use super::spec::{
    Arg, ArgKind, LANG_CHOICES, MUTE_CHOICES, Role, SLEEP_CHOICES, Spec, find, space_actions,
};
use super::spec::{
    DURATION, LANG, LOG_KIND, SLEEP_TIME, SPACE, SPACE_OPTIONAL, Values, acts, slow, spec,
};
use super::{Actor, CommandCore, Outcome, Reply, Response};
use crate::hub::LogKind;

command_names! {
    Status => "status",
    Spaces => "spaces",
    History => "history",
    Metrics => "metrics",
    Costs => "costs",
    Help => "help",
    Logs => "logs",
    Restart => "restart",
    Rebuild => "rebuild",
    Pause => "pause",
    Wake => "wake",
    Mute => "mute",
    Unmute => "unmute",
    SleepTime => "sleeptime",
    Check => "check",
    TestAlert => "testalert",
    Lang => "lang",
}

/// Every command, in the order menus and `/help` show them.
pub const CATALOGUE: [Spec; CommandName::COUNT] = [
    spec(
        CommandName::Status,
        "All Spaces at a glance, or one in detail",
        &[SPACE_OPTIONAL],
        Role::Reader,
    ),
    spec(
        CommandName::Spaces,
        "The watch list with verdicts",
        &[],
        Role::Reader,
    ),
    spec(
        CommandName::History,
        "Recent incidents and actions of a Space",
        &[SPACE],
        Role::Reader,
    ),
    slow(spec(
        CommandName::Metrics,
        "Live CPU, memory and network of a Space",
        &[SPACE],
        Role::Reader,
    )),
    spec(
        CommandName::Costs,
        "What the Spaces cost: 24 h, 7 d, 30 d, this month",
        &[],
        Role::Reader,
    ),
    spec(
        CommandName::Help,
        "The commands you may use",
        &[],
        Role::Anyone,
    ),
    slow(spec(
        CommandName::Logs,
        "Last log lines of a Space (build or run)",
        &[SPACE, LOG_KIND],
        Role::Admin,
    )),
    slow(acts(spec(
        CommandName::Restart,
        "Restart a Space",
        &[SPACE],
        Role::Admin,
    ))),
    Spec {
        confirm: true,
        ..slow(acts(spec(
            CommandName::Rebuild,
            "Factory rebuild a Space (asks first)",
            &[SPACE],
            Role::Admin,
        )))
    },
    acts(spec(
        CommandName::Pause,
        "Pause a Space",
        &[SPACE],
        Role::Admin,
    )),
    acts(spec(
        CommandName::Wake,
        "Wake a Space",
        &[SPACE],
        Role::Admin,
    )),
    acts(spec(
        CommandName::Mute,
        "Silence a Space's alerts (default 1h)",
        &[SPACE, DURATION],
        Role::Admin,
    )),
    acts(spec(
        CommandName::Unmute,
        "Unsilence a Space's alerts",
        &[SPACE],
        Role::Admin,
    )),
    acts(spec(
        CommandName::SleepTime,
        "Set how long a Space idles before it sleeps",
        &[SPACE, SLEEP_TIME],
        Role::Admin,
    )),
    slow(acts(spec(
        CommandName::Check,
        "Check every Space now",
        &[],
        Role::Admin,
    ))),
    slow(spec(
        CommandName::TestAlert,
        "Send a test alert to every destination",
        &[],
        Role::Admin,
    )),
    // Changes what this chat reads, not a Space: not an action of the page or the API.
    spec(
        CommandName::Lang,
        "Reply here in zh-CN or en; auto: each person's own language",
        &[LANG],
        Role::Admin,
    ),
];

/// The catalogue holds every command at its position in `CommandName`, checked when
/// compiling: `spec` is an index, never a search with a fallback.
const _: () = {
    let mut i = 0;
    while i < CATALOGUE.len() {
        assert!(
            CATALOGUE[i].command as usize == i,
            "CATALOGUE lists the commands in CommandName's order"
        );
        i += 1;
    }
};

/// Everything a user can ask (DESIGN.md "Commands"; declared in `catalogue`). Space
/// arguments stay raw text here and are validated (and checked against the watch
/// list) on execution.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Command {
    Status(Option<String>),
    Spaces,
    History(String),
    Logs(String, LogKind),
    Metrics(String),
    Restart(String),
    /// `confirmed`: the actor already said yes (a confirm button or form, or the API,
    /// whose request is itself explicit); otherwise the core asks first.
    Rebuild {
        space: String,
        confirmed: bool,
    },
    Pause(String),
    Wake(String),
    Mute(String, Option<Duration>),
    Unmute(String),
    /// Idle this long before sleeping; `None`: never.
    SleepTime(String, Option<Duration>),
    Costs,
    Check,
    /// A test alert to every configured destination (`alerts::test_alert`).
    TestAlert,
    Help,
    /// This chat's language from now on (`None`: `auto`, each person's own); the tag.
    Lang(Option<String>),
}

impl Command {
    /// The command as text, for the audit log.
    pub fn describe(&self) -> String {
        match self {
            Command::Status(None) => "/status".into(),
            Command::Status(Some(s)) => format!("/status {s}"),
            Command::Logs(s, kind) => format!("/logs {s} {}", kind.as_str()),
            Command::Rebuild { space, confirmed } => match confirmed {
                true => format!("/rebuild {space} (confirmed)"),
                false => format!("/rebuild {space}"),
            },
            Command::Mute(s, Some(d)) => {
                format!("/mute {s} {}", crate::domain::format_duration(*d))
            }
            Command::SleepTime(s, d) => match d {
                Some(d) => format!("/sleeptime {s} {}", crate::domain::format_duration(*d)),
                None => format!("/sleeptime {s} never"),
            },
            Command::History(s)
            | Command::Metrics(s)
            | Command::Restart(s)
            | Command::Pause(s)
            | Command::Wake(s)
            | Command::Mute(s, None)
            | Command::Unmute(s) => format!("/{} {s}", self.spec().name),
            Command::Spaces
            | Command::Costs
            | Command::Check
            | Command::TestAlert
            | Command::Help => {
                format!("/{}", self.spec().name)
            }
            Command::Lang(tag) => format!("/lang {}", tag.as_deref().unwrap_or("auto")),
        }
    }
}

/// The command `name` from its checked argument values.
pub(super) fn command(name: CommandName, values: Values) -> Command {
    match name {
        CommandName::Status => Command::Status(values.space),
        CommandName::Spaces => Command::Spaces,
        CommandName::History => Command::History(values.space()),
        CommandName::Metrics => Command::Metrics(values.space()),
        CommandName::Help => Command::Help,
        CommandName::Logs => Command::Logs(values.space(), values.kind),
        CommandName::Restart => Command::Restart(values.space()),
        CommandName::Rebuild => Command::Rebuild {
            space: values.space(),
            confirmed: false,
        },
        CommandName::Pause => Command::Pause(values.space()),
        CommandName::Wake => Command::Wake(values.space()),
        CommandName::Mute => Command::Mute(values.space(), values.duration),
        CommandName::Unmute => Command::Unmute(values.space()),
        CommandName::SleepTime => Command::SleepTime(values.space(), values.duration),
        CommandName::Costs => Command::Costs,
        CommandName::Check => Command::Check,
        CommandName::TestAlert => Command::TestAlert,
        CommandName::Lang => Command::Lang(values.lang.map(|lang| lang.tag().to_owned())),
    }
}

impl Command {
    /// Which command this is.
    pub fn name(&self) -> CommandName {
        match self {
            Command::Status(_) => CommandName::Status,
            Command::Spaces => CommandName::Spaces,
            Command::History(_) => CommandName::History,
            Command::Logs(..) => CommandName::Logs,
            Command::Metrics(_) => CommandName::Metrics,
            Command::Restart(_) => CommandName::Restart,
            Command::Rebuild { .. } => CommandName::Rebuild,
            Command::Pause(_) => CommandName::Pause,
            Command::Wake(_) => CommandName::Wake,
            Command::Mute(..) => CommandName::Mute,
            Command::Unmute(_) => CommandName::Unmute,
            Command::SleepTime(..) => CommandName::SleepTime,
            Command::Costs => CommandName::Costs,
            Command::Check => CommandName::Check,
            Command::TestAlert => CommandName::TestAlert,
            Command::Help => CommandName::Help,
            Command::Lang(_) => CommandName::Lang,
        }
    }

    /// This command's entry in the catalogue.
    pub fn spec(&self) -> &'static Spec {
        self.name().spec()
    }
}

impl CommandCore {
    /// Runs an authorized command: its Space resolved against the watch list, then
    /// its handler.
    pub(super) async fn run(&self, actor: &Actor, command: Command) -> Response {
        let space = match &command {
            Command::Status(None)
            | Command::Spaces
            | Command::Costs
            | Command::Check
            | Command::TestAlert
            | Command::Help
            | Command::Lang(_) => None,
            Command::Status(Some(space))
            | Command::History(space)
            | Command::Logs(space, _)
            | Command::Metrics(space)
            | Command::Restart(space)
            | Command::Rebuild { space, .. }
            | Command::Pause(space)
            | Command::Wake(space)
            | Command::Mute(space, _)
            | Command::Unmute(space)
            | Command::SleepTime(space, _) => Some(space.as_str()),
        };
        let id = match space.map(|text| self.resolve(actor.lang, text)) {
            None => None,
            Some(resolved) => match resolved.await {
                Ok(id) => Some(id),
                Err(refused) => return refused,
            },
        };
        let lang = actor.lang;
        match (command, id) {
            (Command::Status(_), Some(id)) => Response::read(self.detail(lang, id).await),
            (Command::Status(_), None) => Response::read(self.overview(lang, 0).await),
            (Command::Spaces, _) => Response::read(self.space_list(lang, 0).await),
            (Command::History(_), Some(id)) => Response::read(self.history(lang, id).await),
            (Command::Logs(_, kind), Some(id)) => Response::read(self.logs(lang, id, kind).await),
            (Command::Metrics(_), Some(id)) => Response::read(self.metrics(lang, id).await),
            (Command::Restart(_), Some(id)) => {
                self.repair(actor, &id, crate::domain::RepairStep::Restart)
                    .await
            }
            (Command::Rebuild { confirmed, .. }, Some(id)) => {
                self.rebuild(actor, id, confirmed).await
            }
            (Command::Pause(_), Some(id)) => self.pause(actor, id).await,
            (Command::Wake(_), Some(id)) => self.wake(actor, id).await,
            (Command::Mute(_, duration), Some(id)) => {
                self.mute(
                    lang,
                    id,
                    Some(duration.unwrap_or(Duration::from_secs(3600))),
                )
                .await
            }
            (Command::Unmute(_), Some(id)) => self.mute(lang, id, None).await,
            (Command::SleepTime(_, after), Some(id)) => self.sleep_time(actor, id, after).await,
            (Command::Costs, _) => Response::read(self.costs(lang).await),
            (Command::Check, _) => self.check_now(lang),
            (Command::TestAlert, _) => super::test_alert::run(&self.monitor, lang).await,
            (Command::Help, _) => Response::done(self.help(actor)),
            (Command::Lang(tag), _) => self.set_lang(actor, tag).await,
            // A Space command always has its id here (resolved above).
            (_, None) => Response::with(
                Outcome::BadRequest,
                Reply::error(crate::t!(lang, "chat-which-space")),
            ),
        }
    }
}
