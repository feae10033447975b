//! `POST /space/{owner}/{name}/{action}`: the page as one more entrance to the command
//! core. The action must be one the catalogue offers on a Space (`space_actions`);
//! the form must come from a live session and carry its CSRF token; the command runs
//! through `CommandCore::execute` as the session's actor (`Session::actor`), with the same
//! authorization, per-Space claim, audit and refusals as chat and the API. An action
//! that asks first (rebuild) shows a confirm form, whose `confirm=yes` sends the
//! confirmed command. The outcome goes into the session's flash and the browser back
//! to the Space page (303), where it shows once.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::layout::{Frame, Viewer, page};
use super::site::Site;
use super::space::{button_label, description};
use super::ui::Ui;
use super::{forbidden_page, internal_error, not_found_page};
use crate::commands::catalogue::{Spec, space_actions};
use crate::commands::{Command, Outcome, ParseError, Severity};
use crate::domain::SpaceId;
use crate::store::Flash;
use crate::t;
use crate::web::WebState;
use crate::web::auth::{Session, current_session};

#[derive(Debug, Deserialize)]
pub(super) struct ActForm {
    #[serde(default)]
    csrf: String,
    duration: Option<String>,
    confirm: Option<String>,
}

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
}

pub(super) async fn act(
    State(state): State<WebState>,
    Path((owner, name, action)): Path<(String, String, String)>,
    ui: Ui,
    headers: HeaderMap,
    Form(form): Form<ActForm>,
) -> Response {
    if !state.auth.enabled() {
        return not_found_page();
    }
    let Ok(id) = SpaceId::parse(&format!("{owner}/{name}")) else {
        return not_found_page();
    };
    let back = format!("/space/{id}");
    let session = match current_session(&state, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return see_other(format!("/login?next={back}")),
        Err(e) => return internal_error(&e),
    };
    if !session.csrf_matches(&form.csrf) {
        tracing::warn!(space = %id, action, "page action refused: the form's csrf token is not the session's");
        return forbidden_page();
    }
    let Some(spec) = space_actions().find(|spec| spec.name == action) else {
        return not_found_page();
    };
    if spec.confirm && form.confirm.as_deref() != Some("yes") {
        return confirm_page(&state, &ui, &session, &id, spec);
    }
    let flash = match run(&state, &ui, &session, spec, &id, &form).await {
        Ok(flash) => flash,
        Err(page) => return page,
    };
    if let Err(e) = state
        .monitor
        .store()
        .set_flash(&session.id_hash, &flash)
        .await
    {
        return internal_error(&e);
    }
    see_other(back)
}

/// Runs the form's action through the command core as the session's actor; the flash
/// to show back on the Space's page, or the page to answer instead.
async fn run(
    state: &WebState,
    ui: &Ui,
    session: &Session,
    spec: &'static Spec,
    id: &SpaceId,
    form: &ActForm,
) -> Result<Flash, Response> {
    let space = id.to_string();
    let mut args = vec![("space", space.as_str())];
    if let Some(duration) = form.duration.as_deref().filter(|d| !d.is_empty()) {
        args.push(("duration", duration));
    }
    let flash = match spec.build(&args) {
        Err(e) => Flash {
            text: match e {
                ParseError::Usage { reason, .. } => format!("{}.", reason.text(ui.lang)),
                ParseError::Unknown(name) => t!(ui.lang, "act-unknown", action = name),
            },
            kind: "bad".into(),
        },
        Ok(command) => {
            let command = match command {
                // The confirm form was submitted: the user said yes.
                Command::Rebuild { space, .. } => Command::Rebuild {
                    space,
                    confirmed: true,
                },
                command => command,
            };
            let actor = session.actor().in_lang(ui.lang);
            let response = state.core.execute(&actor, command).await;
            if response.outcome == Outcome::NotWatched {
                return Err(not_found_page());
            }
            // A viewer (WEB_VIEWERS): refused by the core, which audited it.
            if let Outcome::Denied(denied) = response.outcome {
                return Err(super::refused_page(ui, &denied.text(ui.lang)));
            }
            // The outcome of a restart arrives later, in the Space's actions.
            drop(response.follow_up);
            let kind = match response.reply.severity {
                Severity::Good => "good",
                Severity::Bad => "bad",
                Severity::Warning => "warn",
                Severity::Info => "info",
            };
            Flash {
                text: response.reply.title,
                kind: kind.into(),
            }
        }
    };
    Ok(flash)
}

/// "Factory rebuild of alice/app?" with a confirm button and a way back.
fn confirm_page(
    state: &WebState,
    ui: &Ui,
    session: &Session,
    id: &SpaceId,
    spec: &Spec,
) -> Response {
    let viewer = Viewer::SignedIn(session.clone());
    let now = state.monitor.now();
    let label = button_label(ui, spec.name, false);
    let title = t!(
        ui.lang,
        "confirm-title",
        action = label.clone(),
        space = id.to_string()
    );
    let body = html! {
        div.card.confirm {
            h1 { (title) }
            p { (description(ui, spec)) (ui.t("confirm-sentence-end")) " " (ui.t("confirm-no-stop")) }
            form method="post" action={ "/space/" (id) "/" (spec.name) } {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="confirm" value="yes";
                button.btn.danger type="submit" data-action=(spec.name) { (label) }
                " " a href={ "/space/" (id) } { (ui.t("confirm-cancel")) }
            }
        }
    };
    // The switch leads back to the Space's page: this one answers a POST only.
    let ui = Ui {
        here: Some(format!("/space/{id}")),
        ..ui.clone()
    };
    let frame = Frame::new(&ui, Site::Live, &title, now, &viewer);
    Html(page(frame, body).into_string()).into_response()
}
