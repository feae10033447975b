//! Commands that change something: restart, rebuild (after a confirm button), pause,
//! wake, mute; and button presses. Restarts and rebuilds go through the monitor's
//! repair path (same record-before-act, caps and audit as automatic repairs).

use std::time::Duration;

use super::{
    Actor, Button, ButtonAction, ButtonStyle, CommandCore, FollowUp, Press, Reply, Response,
    Severity, internal,
};
use crate::domain::{RepairStep, SpaceId, format_duration};
use crate::monitor::RepairOutcome;
use crate::store::ConfirmationRow;

/// How long a confirm button stays valid.
const CONFIRM_FOR: Duration = Duration::from_secs(10 * 60);

fn step_words(step: RepairStep) -> &'static str {
    match step {
        RepairStep::Restart => "restart",
        RepairStep::FactoryRebuild => "factory rebuild",
    }
}

/// The final message of a repair someone asked for.
fn outcome_reply(space: &SpaceId, outcome: Option<RepairOutcome>) -> Reply {
    match outcome {
        Some(RepairOutcome::Recovered { step, took }) => Reply::new(
            Severity::Good,
            format!(
                "✅ {space} is back after the {} ({})",
                step_words(step),
                format_duration(took)
            ),
        ),
        Some(RepairOutcome::StillBroken { step, why }) => Reply::new(
            Severity::Bad,
            format!("❌ {space} is still broken after the {}", step_words(step)),
        )
        .text(why),
        Some(RepairOutcome::Failed { step, why }) => Reply::new(
            Severity::Bad,
            format!("❌ The {} of {space} failed", step_words(step)),
        )
        .text(why),
        None => Reply::new(
            Severity::Warning,
            format!("The repair of {space} was interrupted; it resumes when spacewarden restarts."),
        ),
    }
}

/// A token for a confirm button: 48 bits from the OS CSPRNG (12 hex characters, to
/// fit Telegram's 64-byte callback data). It guards a factory rebuild, so it must not
/// be guessable from the time it was made.
fn token() -> String {
    crate::telemetry::random_hex(6)
}

impl CommandCore {
    pub(super) async fn repair(
        &self,
        actor: &Actor,
        id: &SpaceId,
        step: RepairStep,
    ) -> (Reply, Option<FollowUp>) {
        match self.monitor.request_repair(id, step, &actor.label()).await {
            Ok(receiver) => {
                let space = id.clone();
                let follow_up: FollowUp =
                    Box::pin(async move { outcome_reply(&space, receiver.await.ok()) });
                let verb = match step {
                    RepairStep::Restart => "🔄 Restarting",
                    RepairStep::FactoryRebuild => "🔨 Factory rebuild of",
                };
                (
                    Reply::new(Severity::Warning, format!("{verb} {id}…")),
                    Some(follow_up),
                )
            }
            Err(refused) => (Reply::error(refused.to_string()), None),
        }
    }

    pub(super) async fn restart(&self, actor: &Actor, id: &SpaceId) -> Response {
        let (reply, follow_up) = self.repair(actor, id, RepairStep::Restart).await;
        Response { reply, follow_up }
    }

    /// `/rebuild`: asks first. The token is one-use, bound to this admin, and expires.
    pub(super) async fn ask_rebuild(&self, actor: &Actor, id: SpaceId) -> Reply {
        let now = self.monitor.now();
        let row = ConfirmationRow {
            token: token(),
            kind: "rebuild".into(),
            space_id: id.to_string(),
            platform: actor.platform.as_str().into(),
            user_id: actor.user_id.to_string(),
            created_ms: now.timestamp_millis(),
            expires_ms: crate::domain::time::after(now, CONFIRM_FOR).timestamp_millis(),
            used_ms: None,
        };
        if let Err(e) = self.monitor.store().create_confirmation(&row).await {
            return internal("cannot store a confirmation", &e);
        }
        Reply::new(Severity::Warning, format!("Factory rebuild of {id}?"))
            .text("It rebuilds the Space from scratch without the build cache. The button works for 10 minutes.")
            .buttons(vec![
                Button::new("Rebuild", ButtonAction::Confirm(row.token.clone()), ButtonStyle::Danger),
                Button::new("Cancel", ButtonAction::Cancel(row.token), ButtonStyle::Secondary),
            ])
    }

    /// `/pause`: under the Space's claim, like every action (`Monitor::request_pause`).
    pub(super) async fn pause(&self, actor: &Actor, id: SpaceId) -> Reply {
        match self.monitor.request_pause(&id, &actor.label()).await {
            Ok(Ok(stage)) => Reply::new(Severity::Info, format!("⏸ {id} is paused ({stage})")),
            Ok(Err(why)) => Reply::error(format!("Could not pause {id}: {why}")),
            Err(refused) => Reply::error(refused.to_string()),
        }
    }

    pub(super) async fn wake(&self, actor: &Actor, id: SpaceId) -> Reply {
        match self.monitor.request_wake(&id, &actor.label()).await {
            Ok(()) => Reply::new(
                Severity::Info,
                format!("⏰ Waking {id}; you will get an alert when it is up."),
            ),
            Err(refused) => Reply::error(refused.to_string()),
        }
    }

    pub(super) async fn mute(&self, id: SpaceId, duration: Option<Duration>) -> Reply {
        let now = self.monitor.now();
        let until = duration.map(|d| crate::domain::time::after(now, d));
        match self.monitor.store().set_muted_until(&id, until).await {
            Ok(true) => match until {
                Some(until) => Reply::new(
                    Severity::Info,
                    format!("🔕 {id} muted until {}", until.format("%Y-%m-%d %H:%M UTC")),
                ),
                None => Reply::new(Severity::Info, format!("🔔 {id} unmuted")),
            },
            Ok(false) => Reply::error(format!(
                "{id} has not been checked yet; try again after the first check."
            )),
            Err(e) => internal("cannot mute", &e),
        }
    }

    /// A button press. Every press gets a notice; buttons that act are authorized now,
    /// not when the message was sent.
    pub async fn press(&self, actor: &Actor, data: &str) -> Press {
        let Some(action) = ButtonAction::decode(data) else {
            return notice("This button is no longer valid.");
        };
        let described = format!("button {}", action.encode());
        let needs_admin = !matches!(action, ButtonAction::Page { .. });
        let allowed = if needs_admin {
            self.access.is_admin(actor)
        } else {
            self.access.can_read(actor)
        };
        if !allowed {
            self.audit(actor, &described, false, "refused").await;
            return notice("Only admins can do that.");
        }
        let press = self.run_press(actor, action).await;
        self.audit(actor, &described, true, &press.notice).await;
        press
    }

    async fn run_press(&self, actor: &Actor, action: ButtonAction) -> Press {
        match action {
            ButtonAction::Page { spaces, page } => {
                let reply = if spaces {
                    self.space_list(page as usize).await
                } else {
                    self.overview(page as usize).await
                };
                Press {
                    notice: format!("Page {}", page + 1),
                    edit: Some(reply),
                    message: None,
                    follow_up: None,
                }
            }
            ButtonAction::Confirm(token) => self.confirm(actor, &token).await,
            ButtonAction::Cancel(token) => {
                let store = self.monitor.store();
                match store.confirmation(&token).await {
                    Ok(Some(row)) if row.user_id == actor.user_id.to_string() => {
                        let fresh = store
                            .use_confirmation(&token, self.monitor.now())
                            .await
                            .unwrap_or(false);
                        let edit = fresh.then(|| {
                            Reply::new(
                                Severity::Info,
                                format!("Rebuild of {} cancelled.", row.space_id),
                            )
                        });
                        Press {
                            notice: "Cancelled".into(),
                            edit,
                            message: None,
                            follow_up: None,
                        }
                    }
                    _ => notice("This button is no longer valid."),
                }
            }
            ButtonAction::Restart(reference)
            | ButtonAction::Rebuild(reference)
            | ButtonAction::Mute(reference)
            | ButtonAction::Logs(reference) => {
                let Ok(Some(id)) = self.monitor.store().space_by_ref(reference).await else {
                    return notice("That Space is no longer watched.");
                };
                match action {
                    ButtonAction::Restart(_) => {
                        let (reply, follow_up) = self.repair(actor, &id, RepairStep::Restart).await;
                        Press {
                            notice: reply.title.clone(),
                            edit: None,
                            message: Some(reply),
                            follow_up,
                        }
                    }
                    ButtonAction::Rebuild(_) => {
                        let reply = self.ask_rebuild(actor, id).await;
                        Press {
                            notice: "Confirm below".into(),
                            edit: None,
                            message: Some(reply),
                            follow_up: None,
                        }
                    }
                    ButtonAction::Mute(_) => {
                        let reply = self.mute(id, Some(Duration::from_secs(3600))).await;
                        Press {
                            notice: reply.title.clone(),
                            edit: None,
                            message: None,
                            follow_up: None,
                        }
                    }
                    _ => {
                        let reply = self.logs(id, crate::hub::LogKind::Run).await;
                        Press {
                            notice: "Logs below".into(),
                            edit: None,
                            message: Some(reply),
                            follow_up: None,
                        }
                    }
                }
            }
        }
    }

    async fn confirm(&self, actor: &Actor, token: &str) -> Press {
        let store = self.monitor.store();
        let now = self.monitor.now();
        let row = match store.confirmation(token).await {
            Ok(Some(row)) => row,
            _ => return notice("This button is no longer valid."),
        };
        if row.user_id != actor.user_id.to_string() || row.platform != actor.platform.as_str() {
            return notice("Only the admin who asked can confirm.");
        }
        if row.used_ms.is_some() {
            return notice("Already done.");
        }
        if row.expires() < now {
            let _ = store.use_confirmation(token, now).await;
            let edit = Reply::new(
                Severity::Info,
                format!(
                    "The rebuild of {} expired; ask again with /rebuild.",
                    row.space_id
                ),
            );
            return Press {
                notice: "Expired".into(),
                edit: Some(edit),
                message: None,
                follow_up: None,
            };
        }
        // One use only, even with two presses racing: the UPDATE decides.
        if !store.use_confirmation(token, now).await.unwrap_or(false) {
            return notice("Already done.");
        }
        let Ok(id) = SpaceId::parse(&row.space_id) else {
            return notice("This button is no longer valid.");
        };
        let (reply, follow_up) = self.repair(actor, &id, RepairStep::FactoryRebuild).await;
        Press {
            notice: "Rebuilding".into(),
            edit: Some(reply),
            message: None,
            follow_up,
        }
    }
}

fn notice(text: &str) -> Press {
    Press {
        notice: text.into(),
        edit: None,
        message: None,
        follow_up: None,
    }
}
