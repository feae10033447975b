//! `/restart` and `/rebuild`: through the monitor's repair path (recorded before the
//! Hub is called, the per-Space claim, never the automatic cap). A rebuild asks first
//! unless the actor already confirmed: a one-use token from the OS CSPRNG, bound to
//! the admin who asked, valid for 10 minutes.

use std::time::Duration;

use super::words::span;
use super::{
    Actor, Button, ButtonAction, ButtonStyle, CommandCore, FollowUp, Outcome, Reply, Response,
    Severity,
};
use crate::domain::{RepairStep, SpaceId, reason_in, time};
use crate::i18n::Lang;
use crate::monitor::{ActionRefused, RepairOutcome};
use crate::store::ConfirmationRow;
use crate::t;

/// How long a confirm button stays valid.
const CONFIRM_FOR: Duration = Duration::from_secs(10 * 60);

fn step_words(lang: Lang, step: RepairStep) -> String {
    match step {
        RepairStep::Restart => t!(lang, "chat-step-restart"),
        RepairStep::FactoryRebuild => t!(lang, "chat-step-rebuild"),
    }
}

/// The final message of a repair someone asked for.
fn outcome_reply(lang: Lang, space: &SpaceId, outcome: Option<RepairOutcome>) -> Reply {
    let space_name = space.to_string();
    match outcome {
        Some(RepairOutcome::Recovered { step, took }) => Reply::new(
            Severity::Good,
            t!(
                lang,
                "chat-repair-recovered",
                space = space_name,
                step = step_words(lang, step),
                took = span(lang, took)
            ),
        ),
        Some(RepairOutcome::StillBroken { step, why }) => Reply::new(
            Severity::Bad,
            t!(
                lang,
                "chat-repair-still-broken",
                space = space_name,
                step = step_words(lang, step)
            ),
        )
        .text(reason_in(lang, &why)),
        Some(RepairOutcome::Failed { step, why }) => Reply::new(
            Severity::Bad,
            t!(
                lang,
                "chat-repair-failed",
                space = space_name,
                step = step_words(lang, step)
            ),
        )
        .text(reason_in(lang, &why)),
        None => Reply::new(
            Severity::Warning,
            t!(lang, "chat-repair-interrupted", space = space_name),
        ),
    }
}

/// A refused action as every entrance shows it.
pub(super) fn refused(lang: Lang, refusal: ActionRefused) -> Response {
    let outcome = match refusal {
        ActionRefused::InFlight(_) => Outcome::InFlight,
        ActionRefused::Unsupported(_) => Outcome::BadRequest,
        ActionRefused::Internal(_) => Outcome::Internal,
    };
    let text = match &refusal {
        ActionRefused::InFlight(space) => t!(lang, "chat-in-flight", space = space.to_string()),
        // The Hub's own reason, as it gave it.
        ActionRefused::Unsupported(why) => why.clone(),
        ActionRefused::Internal(reference) => {
            t!(lang, "chat-internal", reference = reference.to_string())
        }
    };
    Response::with(outcome, Reply::error(text))
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
            Err(refusal) => return refused(actor.lang, refusal),
        };
        let (space, lang) = (id.clone(), actor.lang);
        let follow_up: FollowUp =
            Box::pin(async move { outcome_reply(lang, &space, started.outcome.await.ok()) });
        let title = match step {
            RepairStep::Restart => t!(lang, "chat-restarting", space = id.to_string()),
            RepairStep::FactoryRebuild => t!(lang, "chat-rebuilding", space = id.to_string()),
        };
        Response {
            reply: Reply::new(Severity::Warning, title),
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
            return Response::internal(actor.lang, "cannot store a confirmation", &e);
        }
        let lang = actor.lang;
        let reply = Reply::new(
            Severity::Warning,
            t!(lang, "chat-rebuild-ask", space = id.to_string()),
        )
        .text(t!(
            lang,
            "chat-rebuild-explain",
            minutes = CONFIRM_FOR.as_secs() / 60
        ))
        .buttons(vec![
            Button::new(
                t!(lang, "chat-button-rebuild"),
                ButtonAction::Confirm(row.token.clone()),
                ButtonStyle::Danger,
            ),
            Button::new(
                t!(lang, "chat-button-cancel"),
                ButtonAction::Cancel(row.token),
                ButtonStyle::Secondary,
            ),
        ]);
        Response::with(Outcome::AskedFirst, reply)
    }
}
