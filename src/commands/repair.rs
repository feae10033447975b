//! `/restart` and `/rebuild`: through the monitor's repair path (recorded before the
//! Hub is called, the per-Space claim, never the automatic cap). A rebuild asks first
//! unless the actor already confirmed: a one-use token from the OS CSPRNG, bound to
//! the admin who asked, valid for 10 minutes.

use std::time::Duration;

use super::{
    Actor, Button, ButtonAction, ButtonStyle, CommandCore, FollowUp, Outcome, Reply, Response,
    Severity,
};
use crate::domain::{RepairStep, SpaceId, format_duration, time};
use crate::monitor::{ActionRefused, RepairOutcome};
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

/// A refused action as every entrance shows it.
pub(super) fn refused(refusal: ActionRefused) -> Response {
    let outcome = match refusal {
        ActionRefused::InFlight(_) => Outcome::InFlight,
        ActionRefused::Unsupported(_) => Outcome::BadRequest,
        ActionRefused::Internal(_) => Outcome::Internal,
    };
    Response::with(outcome, Reply::error(refusal.to_string()))
}

/// A token for a confirm button: 48 bits from the OS CSPRNG (12 hex characters, to
/// fit Telegram's 64-byte callback data). It guards a factory rebuild, so it must not
/// be guessable from the time it was made.
fn token() -> String {
    crate::telemetry::random_hex(6)
}

impl CommandCore {
    /// Starts a repair step now; the reply says so and the follow-up the outcome.
    pub(super) async fn repair(&self, actor: &Actor, id: &SpaceId, step: RepairStep) -> Response {
        let started = match self
            .monitor
            .request_repair(id, step, &actor.action_actor())
            .await
        {
            Ok(started) => started,
            Err(refusal) => return refused(refusal),
        };
        let space = id.clone();
        let follow_up: FollowUp =
            Box::pin(async move { outcome_reply(&space, started.outcome.await.ok()) });
        let verb = match step {
            RepairStep::Restart => "🔄 Restarting",
            RepairStep::FactoryRebuild => "🔨 Factory rebuild of",
        };
        Response {
            reply: Reply::new(Severity::Warning, format!("{verb} {id}…")),
            outcome: Outcome::Done {
                action: Some(started.action_id),
            },
            follow_up: Some(follow_up),
        }
    }

    /// `/rebuild`: at once when confirmed, else a prompt with Rebuild / Cancel.
    pub(super) async fn rebuild(&self, actor: &Actor, id: SpaceId, confirmed: bool) -> Response {
        if confirmed {
            return self.repair(actor, &id, RepairStep::FactoryRebuild).await;
        }
        let now = self.monitor.now();
        let row = ConfirmationRow {
            token: token(),
            kind: "rebuild".into(),
            space_id: id.to_string(),
            platform: actor.platform.as_str().into(),
            user_id: actor.user_id.clone(),
            created_ms: now.timestamp_millis(),
            expires_ms: time::after(now, CONFIRM_FOR).timestamp_millis(),
            used_ms: None,
        };
        if let Err(e) = self.store.create_confirmation(&row).await {
            return Response::internal("cannot store a confirmation", &e);
        }
        let reply = Reply::new(Severity::Warning, format!("Factory rebuild of {id}?"))
            .text("It rebuilds the Space from scratch without the build cache. The button works for 10 minutes.")
            .buttons(vec![
                Button::new("Rebuild", ButtonAction::Confirm(row.token.clone()), ButtonStyle::Danger),
                Button::new("Cancel", ButtonAction::Cancel(row.token), ButtonStyle::Secondary),
            ]);
        Response::with(Outcome::AskedFirst, reply)
    }
}
