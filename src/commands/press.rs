//! Button presses. A button that stands for a command (Restart, Rebuild, Mute, Logs,
//! a confirmed rebuild) runs it through `execute`: the same authorization, path and
//! audit as typing it. Paging and cancelling are authorized against the command they
//! belong to and audited the same way. Every press gets a notice.

use std::time::Duration;

use super::catalogue::{CommandName, find};
use super::{Actor, ButtonAction, Command, CommandCore, Outcome, Press, Reply, Response, Severity};
use crate::domain::SpaceId;
use crate::i18n::Lang;
use crate::t;

fn notice(text: impl Into<String>) -> Press {
    Press {
        notice: text.into(),
        edit: None,
        message: None,
        follow_up: None,
    }
}

impl CommandCore {
    /// A button press. Buttons are authorized now, not when the message was sent.
    pub async fn press(&self, actor: &Actor, data: &str) -> Press {
        let lang = actor.lang;
        let Some(action) = ButtonAction::decode(data) else {
            return notice(t!(lang, "chat-button-invalid"));
        };
        match action {
            ButtonAction::Page { spaces, page } => self.page(actor, spaces, page).await,
            ButtonAction::Confirm(token) => self.confirm(actor, &token).await,
            ButtonAction::Cancel(token) => self.cancel(actor, &token).await,
            ButtonAction::Restart(reference)
            | ButtonAction::Rebuild(reference)
            | ButtonAction::Mute(reference)
            | ButtonAction::Logs(reference) => {
                let Ok(Some(id)) = self.store.space_by_ref(reference).await else {
                    return notice(t!(lang, "chat-button-unwatched"));
                };
                let space = id.to_string();
                let command = match action {
                    ButtonAction::Restart(_) => Command::Restart(space),
                    ButtonAction::Rebuild(_) => Command::Rebuild {
                        space,
                        confirmed: false,
                    },
                    ButtonAction::Mute(_) => Command::Mute(space, Some(Duration::from_secs(3600))),
                    _ => Command::Logs(space, crate::hub::LogKind::Run),
                };
                let quiet = matches!(command, Command::Mute(..));
                let response = self.execute(actor, command).await;
                if let Outcome::Denied(denied) = response.outcome {
                    // Shown to the presser only, like every refused press.
                    return notice(denied.text(lang));
                }
                let notice = response.reply.title.clone();
                Press {
                    notice,
                    edit: None,
                    message: (!quiet).then_some(response.reply),
                    follow_up: response.follow_up,
                }
            }
        }
    }

    /// A page of `/status` or `/spaces`: authorized and audited as that command.
    async fn page(&self, actor: &Actor, spaces: bool, page: u32) -> Press {
        let name = if spaces { "spaces" } else { "status" };
        let described = format!("/{name} page {}", page + 1);
        let lang = actor.lang;
        let Some(spec) = find(name) else {
            return notice(t!(lang, "chat-button-invalid"));
        };
        if let Err(denied) = self.access.authorize(actor, spec) {
            self.deny(actor, &described, denied).await;
            return notice(denied.text(lang));
        }
        let reply = if spaces {
            self.space_list(lang, page as usize).await
        } else {
            self.overview(lang, page as usize).await
        };
        self.audit(actor, &described, true, "ok").await;
        Press {
            notice: t!(lang, "chat-page", page = page + 1),
            edit: Some(reply),
            message: None,
            follow_up: None,
        }
    }

    /// Whether `actor` may answer the rebuild prompt `token`: a rebuild admin, and the
    /// one who asked. `Err` is the notice to show.
    async fn prompt(
        &self,
        actor: &Actor,
        token: &str,
    ) -> Result<crate::store::ConfirmationRow, Press> {
        let (described, lang) = (format!("/rebuild prompt {token}"), actor.lang);
        if let Err(denied) = self.access.authorize(actor, CommandName::Rebuild.spec()) {
            self.deny(actor, &described, denied).await;
            return Err(notice(denied.text(lang)));
        }
        let row = match self.store.confirmation(token).await {
            Ok(Some(row)) => row,
            _ => return Err(notice(t!(lang, "chat-button-invalid"))),
        };
        if row.user_id != actor.user_id || row.platform != actor.platform.as_str() {
            return Err(notice(t!(lang, "chat-confirm-not-yours")));
        }
        Ok(row)
    }

    async fn confirm(&self, actor: &Actor, token: &str) -> Press {
        let row = match self.prompt(actor, token).await {
            Ok(row) => row,
            Err(press) => return press,
        };
        let store = &self.store;
        let (now, lang) = (self.monitor.now(), actor.lang);
        if row.used_ms.is_some() {
            return notice(t!(lang, "chat-confirm-already"));
        }
        if row.expires() < now {
            let _ = store.use_confirmation(token, now).await;
            let edit = Reply::new(
                Severity::Info,
                t!(lang, "chat-rebuild-expired", space = row.space_id.as_str()),
            );
            return Press {
                notice: t!(lang, "chat-confirm-expired"),
                edit: Some(edit),
                message: None,
                follow_up: None,
            };
        }
        // One use only, even with two presses racing: the UPDATE decides.
        if !store.use_confirmation(token, now).await.unwrap_or(false) {
            return notice(t!(lang, "chat-confirm-already"));
        }
        let Ok(id) = SpaceId::parse(&row.space_id) else {
            return notice(t!(lang, "chat-button-invalid"));
        };
        let Response {
            reply, follow_up, ..
        } = self
            .execute(
                actor,
                Command::Rebuild {
                    space: id.to_string(),
                    confirmed: true,
                },
            )
            .await;
        Press {
            notice: t!(lang, "chat-confirm-rebuilding"),
            edit: Some(reply),
            message: None,
            follow_up,
        }
    }

    async fn cancel(&self, actor: &Actor, token: &str) -> Press {
        let row = match self.prompt(actor, token).await {
            Ok(row) => row,
            Err(press) => return press,
        };
        let store = &self.store;
        let fresh = store
            .use_confirmation(token, self.monitor.now())
            .await
            .unwrap_or(false);
        self.audit(
            actor,
            &format!("/rebuild {} cancelled", row.space_id),
            true,
            "ok",
        )
        .await;
        let lang: Lang = actor.lang;
        Press {
            notice: t!(lang, "chat-confirm-cancelled"),
            edit: fresh.then(|| {
                Reply::new(
                    Severity::Info,
                    t!(
                        lang,
                        "chat-rebuild-cancelled",
                        space = row.space_id.as_str()
                    ),
                )
            }),
            message: None,
            follow_up: None,
        }
    }
}
