//! `/pause`, `/wake`, `/mute` and `/unmute`: the owner's switches. Pause and wake go
//! through the monitor's attempt lifecycle (the per-Space claim, the action row);
//! mute only changes what is alerted.

use std::time::Duration;

use super::repair::refused;
use super::words::span;
use super::{Actor, CommandCore, Outcome, Reply, Response, Severity};
use crate::domain::{SpaceId, reason_in, time};
use crate::i18n::Lang;
use crate::t;

impl CommandCore {
    pub(super) async fn pause(&self, actor: &Actor, id: SpaceId) -> Response {
        let (lang, space) = (actor.lang, id.to_string());
        match self.monitor.request_pause(&id, &actor.action_actor()).await {
            Ok((action, Ok(stage))) => Response::with(
                Outcome::Done {
                    action: Some(action),
                },
                Reply::new(
                    Severity::Info,
                    t!(
                        lang,
                        "chat-paused",
                        space = space,
                        stage = stage.to_string()
                    ),
                ),
            ),
            Ok((_, Err(why))) => Response::with(
                Outcome::Failed,
                Reply::error(t!(
                    lang,
                    "chat-pause-failed",
                    space = space,
                    why = reason_in(lang, &why.to_string())
                )),
            ),
            Err(refusal) => refused(lang, refusal),
        }
    }

    pub(super) async fn wake(&self, actor: &Actor, id: SpaceId) -> Response {
        let lang = actor.lang;
        match self.monitor.request_wake(&id, &actor.action_actor()).await {
            Ok(action) => Response::with(
                Outcome::Done {
                    action: Some(action),
                },
                Reply::new(
                    Severity::Info,
                    t!(lang, "chat-waking", space = id.to_string()),
                ),
            ),
            Err(refusal) => refused(lang, refusal),
        }
    }

    /// `/sleeptime`: refused on cpu-basic, where the Hub fixes it.
    pub(super) async fn sleep_time(
        &self,
        actor: &Actor,
        id: SpaceId,
        after: Option<Duration>,
    ) -> Response {
        let (lang, space) = (actor.lang, id.to_string());
        match self
            .monitor
            .request_sleep_time(&id, after, &actor.action_actor())
            .await
        {
            Ok((action, Ok(gc))) => {
                let now = match gc {
                    Some(seconds) => span(lang, Duration::from_secs(seconds)),
                    None => t!(lang, "chat-sleep-never"),
                };
                Response::with(
                    Outcome::Done {
                        action: Some(action),
                    },
                    Reply::new(
                        Severity::Info,
                        t!(lang, "chat-sleeps-after", space = space, after = now),
                    ),
                )
            }
            Ok((_, Err(why))) => Response::with(
                Outcome::Failed,
                Reply::error(t!(
                    lang,
                    "chat-sleep-failed",
                    space = space,
                    why = reason_in(lang, &why.to_string())
                )),
            ),
            Err(refusal) => refused(lang, refusal),
        }
    }

    /// Mutes for `duration`, or unmutes with `None`.
    pub(super) async fn mute(
        &self,
        lang: Lang,
        id: SpaceId,
        duration: Option<Duration>,
    ) -> Response {
        let now = self.monitor.now();
        let until = duration.map(|d| time::after(now, d));
        let space = id.to_string();
        match self.store.set_muted_until(&id, until).await {
            Ok(true) => Response::done(match until {
                Some(until) => Reply::new(
                    Severity::Info,
                    t!(
                        lang,
                        "chat-muted",
                        space = space,
                        until = self.absolute(until)
                    ),
                ),
                None => Reply::new(Severity::Info, t!(lang, "chat-unmuted", space = space)),
            }),
            Ok(false) => Response::with(
                Outcome::BadRequest,
                Reply::error(t!(lang, "chat-mute-unchecked", space = space)),
            ),
            Err(e) => Response::internal(lang, "cannot mute", &e),
        }
    }
}
