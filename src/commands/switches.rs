//! `/pause`, `/wake`, `/mute` and `/unmute`: the owner's switches. Pause and wake go
//! through the monitor's attempt lifecycle (the per-Space claim, the action row);
//! mute only changes what is alerted.

use std::time::Duration;

use super::repair::refused;
use super::{Actor, CommandCore, Outcome, Reply, Response, Severity};
use crate::domain::{SpaceId, time};
use crate::view::absolute;

impl CommandCore {
    pub(super) async fn pause(&self, actor: &Actor, id: SpaceId) -> Response {
        match self.monitor.request_pause(&id, &actor.action_actor()).await {
            Ok((action, Ok(stage))) => Response::with(
                Outcome::Done {
                    action: Some(action),
                },
                Reply::new(Severity::Info, format!("⏸ {id} is paused ({stage})")),
            ),
            Ok((_, Err(why))) => Response::with(
                Outcome::Failed,
                Reply::error(format!("Could not pause {id}: {why}")),
            ),
            Err(refusal) => refused(refusal),
        }
    }

    pub(super) async fn wake(&self, actor: &Actor, id: SpaceId) -> Response {
        match self.monitor.request_wake(&id, &actor.action_actor()).await {
            Ok(action) => Response::with(
                Outcome::Done {
                    action: Some(action),
                },
                Reply::new(
                    Severity::Info,
                    format!("⏰ Waking {id}; you will get an alert when it is up."),
                ),
            ),
            Err(refusal) => refused(refusal),
        }
    }

    /// `/sleeptime`: refused on cpu-basic, where the Hub fixes it.
    pub(super) async fn sleep_time(
        &self,
        actor: &Actor,
        id: SpaceId,
        after: Option<Duration>,
    ) -> Response {
        match self
            .monitor
            .request_sleep_time(&id, after, &actor.action_actor())
            .await
        {
            Ok((action, Ok(gc))) => {
                let now = match gc {
                    Some(seconds) => crate::domain::format_duration(Duration::from_secs(seconds)),
                    None => "never".into(),
                };
                Response::with(
                    Outcome::Done {
                        action: Some(action),
                    },
                    Reply::new(Severity::Info, format!("😴 {id} now sleeps after: {now}")),
                )
            }
            Ok((_, Err(why))) => Response::with(
                Outcome::Failed,
                Reply::error(format!("Could not set the sleep time of {id}: {why}")),
            ),
            Err(refusal) => refused(refusal),
        }
    }

    /// Mutes for `duration`, or unmutes with `None`.
    pub(super) async fn mute(&self, id: SpaceId, duration: Option<Duration>) -> Response {
        let now = self.monitor.now();
        let until = duration.map(|d| time::after(now, d));
        match self.store.set_muted_until(&id, until).await {
            Ok(true) => Response::done(match until {
                Some(until) => Reply::new(
                    Severity::Info,
                    format!("🔕 {id} muted until {}", absolute(until)),
                ),
                None => Reply::new(Severity::Info, format!("🔔 {id} unmuted")),
            }),
            Ok(false) => Response::with(
                Outcome::BadRequest,
                Reply::error(format!(
                    "{id} has not been checked yet; try again after the first check."
                )),
            ),
            Err(e) => Response::internal("cannot mute", &e),
        }
    }
}
