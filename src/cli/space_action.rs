//! `spacewarden restart OWNER/NAME` and `spacewarden rebuild OWNER/NAME`: one repair a
//! human asked for, for a workflow or a shell. It goes through `CommandCore` as the
//! actor `cli` (authorized, recorded before the Hub is called, audited) like a chat
//! `/restart`, so no automatic cap holds it back (`max_in_flight`, the per-Space
//! `max_per_window`: those bound what spacewarden decides alone). It waits for the
//! outcome as the ladder's one step sees it (the Hub's stage, then the app's probe),
//! delivers the alerts it raised, prints the outcome on stdout and exits 0 when the
//! Space recovered, 1 when it did not (or not within `--timeout`). It is a one-shot:
//! it holds the database lock, so it is refused (exit 2) beside a running daemon,
//! which can be asked instead.

use std::time::Duration;

use clap::Args;
use tokio::sync::watch;

use super::check::{DEFAULT_RUN_TIMEOUT, parse_timeout};
use super::lang::lang;
use super::oneshot;
use super::progress::Progress;
use super::{EXIT_ATTENTION, EXIT_CONFIG, EXIT_OK};
use crate::app::{Advice, App, BuildError};
use crate::commands::{Actor, Block, Command, Outcome, Reply, Severity};
use crate::domain::{SpaceId, WatchTarget};
use crate::t;

/// What a daemon holding the database can be asked instead.
const ADVICE: Advice = Advice::SpaceAction;

#[derive(Debug, Args)]
pub struct ActionArgs {
    /// The Space (owner/name). It need not be in SPACES: the command line names it,
    /// as `check --space` does.
    #[arg(value_name = "OWNER/NAME", value_parser = parse_space)]
    pub space: SpaceId,

    /// How long to wait for the outcome, alert delivery included (e.g. 30m, 1h30m,
    /// 900). A repair still running then is left to the next run or the daemon, which
    /// resume it by polling. [default: GLOBAL_TIMEOUT_SECONDS, else 30m]
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

/// The Space argument; why it is not one is said in the process's language.
fn parse_space(text: &str) -> Result<SpaceId, String> {
    SpaceId::parse(text).map_err(|e| e.sentence().in_lang(super::lang::lang()))
}

/// The two repairs a person can ask for from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceAction {
    Restart,
    /// A factory rebuild; confirmed by being typed.
    Rebuild,
}

impl SpaceAction {
    fn name(self) -> &'static str {
        match self {
            SpaceAction::Restart => "restart",
            SpaceAction::Rebuild => "rebuild",
        }
    }

    fn command(self, space: &SpaceId) -> Command {
        let space = space.to_string();
        match self {
            SpaceAction::Restart => Command::Restart(space),
            SpaceAction::Rebuild => Command::Rebuild {
                space,
                confirmed: true,
            },
        }
    }
}

pub async fn run(action: SpaceAction, args: ActionArgs) -> u8 {
    let mut config = match super::config() {
        Ok(config) => config,
        Err(e) => return BuildError::from(e).report(),
    };
    if !config.watches(&args.space) {
        config.watch.push(WatchTarget::Space(args.space.clone()));
    }
    let timeout = args
        .timeout
        .or(config.run_timeout)
        .unwrap_or(DEFAULT_RUN_TIMEOUT);
    let (app, progress) = match oneshot::start(action.name(), ADVICE, config, false, timeout).await
    {
        Ok(started) => started,
        Err(status) => return status,
    };
    let status = act(&app, &progress, action, &args.space, timeout).await;
    // The database file alone is complete afterwards, for a job cache to carry.
    app.close().await;
    status
}

/// Asks, waits for the outcome while the alerts go out, prints it; the exit status.
async fn act(
    app: &App,
    progress: &Progress,
    action: SpaceAction,
    space: &SpaceId,
    timeout: Duration,
) -> u8 {
    let Some((deadline, acting_until)) = oneshot::deadlines(timeout) else {
        progress.clear();
        eprintln!("{}", t!(lang(), "cli-timeout-too-long"));
        return EXIT_CONFIG;
    };
    let (done, done_rx) = watch::channel(false);
    let work = async {
        let outcome = tokio::time::timeout_at(acting_until, execute(app, progress, action, space));
        let outcome = outcome.await;
        let _ = done.send(true);
        outcome
    };
    let delivery = oneshot::deliver(&app.monitor, progress, deadline, done_rx);
    let (outcome, left) = tokio::join!(work, delivery);
    oneshot::say_undelivered(progress, left);
    progress.clear();
    let Ok(reply) = outcome else {
        // Stopped where it is: its action row stays unfinished, and the next run (or
        // the daemon) resumes it by polling, never by calling the Hub again.
        app.monitor.abort_tasks();
        let after = crate::domain::format_duration(timeout);
        let action = t!(lang(), &format!("action-kind-{}", action.name()));
        let space = space.to_string();
        eprintln!(
            "{}",
            t!(
                lang(),
                "cli-action-timed-out",
                after = after,
                action = action,
                space = space
            )
        );
        return EXIT_ATTENTION;
    };
    println!("{}", text(&reply));
    match reply.severity {
        Severity::Good => EXIT_OK,
        _ => EXIT_ATTENTION,
    }
}

/// Runs the command as `cli` and waits for its outcome: the follow-up of a repair
/// that started, else the refusal (a repair already running, the store failing).
async fn execute(app: &App, progress: &Progress, action: SpaceAction, space: &SpaceId) -> Reply {
    let response = app
        .core
        .execute(
            &Actor::cli().in_lang(super::lang::lang()),
            action.command(space),
        )
        .await;
    match (response.outcome, response.follow_up) {
        (Outcome::Done { .. }, Some(follow_up)) => {
            progress.say(&response.reply.title);
            follow_up.await
        }
        _ => response.reply,
    }
}

/// A reply as plain lines: the title, then its text (the Hub's reason, when it
/// gave one).
fn text(reply: &Reply) -> String {
    let mut lines = vec![reply.title.clone()];
    for block in &reply.blocks {
        match block {
            Block::Text(text) => lines.push(text.clone()),
            Block::Fields(fields) => {
                lines.extend(
                    fields
                        .iter()
                        .map(|(name, value)| format!("{name}: {value}")),
                );
            }
            Block::Code(code) => lines.extend(code.iter().cloned()),
            Block::Spaces(_) => {}
        }
    }
    lines.join("\n")
}
