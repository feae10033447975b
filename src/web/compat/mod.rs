//! The older tools' HTTP APIs, answered as they documented them, so their users'
//! clients keep working while they move to the native API (issue 21): the Node
//! dashboard's (`node.rs`, under `/api/v1/info` and `/api/v1/action`) and the
//! Cloudflare manager's external API (`cloudflare.rs`, under `/api/v1/external`).
//! Their routes, bodies, status codes and Chinese messages are a contract and stay
//! verbatim whatever the language (sources in `shared/reference/older-tools.md`).
//!
//! Nothing here is a second implementation: the key check is the native API's
//! (`api::auth::check_key`), reads go through the read model (`view`), which applies
//! the watch-list rule, and every action through `CommandCore::execute` as the actor
//! `api`. All of it is deprecated in favour of the native routes and says so in the
//! OpenAPI document and the log.
//!
//! The Node dashboard puts a Hugging Face token in the URL path. `redact_path_token`
//! takes it out of the request before anything downstream sees the URI: it must stay
//! the outermost layer of `web::router`, outside any access log or trace layer (the
//! route is matched on the raw path first, which records nothing). A layer wrapped
//! around the whole router as a service (`web::serve`) would see the raw path: none
//! records it today, and one that does must redact with `split_token` too.

pub(super) mod cloudflare;
pub(super) mod node;

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use secrecy::{ExposeSecret, SecretString};

use super::WebState;
use super::api::auth::keys_match;
use crate::commands::{Actor, Command, Outcome};
use crate::domain::{ActionState, SpaceId};
use crate::monitor::Monitor;

/// What stands in the recorded path for the Node dashboard's token.
pub(super) const REDACTED: &str = "[redacted]";

/// The routes of both tools, with their full paths (they share `/api/v1` with the
/// native API, whose own paths none of them overlaps).
pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/api/v1/info/{token}", get(node::list))
        .route("/api/v1/info/{token}/{owner}/{name}", get(node::detail))
        .route(
            "/api/v1/action/{token}/{owner}/{name}/{action}",
            post(node::act),
        )
        .route("/api/v1/external/info", get(cloudflare::info))
        .route("/api/v1/external/spaces", get(cloudflare::list))
        .route("/api/v1/external/spaces/", get(cloudflare::no_username))
        .route(
            "/api/v1/external/spaces/{username}",
            get(cloudflare::owner_list),
        )
        .route(
            "/api/v1/external/action/{space_id}/{action}",
            post(cloudflare::act_encoded),
        )
        .route(
            "/api/v1/external/action/{owner}/{name}/{action}",
            post(cloudflare::act),
        )
}

/// The Node dashboard's path token, taken out of the URI by `redact_path_token`.
#[derive(Clone)]
pub(super) struct PathToken(SecretString);

/// Moves the token of `/api/v1/info/{token}…` and `/api/v1/action/{token}…` from the
/// URI into a request extension, leaving `[redacted]` in its place, so no log line,
/// trace field, error page or metric made from the URI can carry it.
pub(super) async fn redact_path_token(mut request: Request, next: Next) -> Response {
    if let Some((path, token)) = split_token(request.uri().path()) {
        let redacted = match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        // The redacted path is the old one with a segment replaced: it parses.
        if let Ok(uri) = redacted.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
        request.extensions_mut().insert(PathToken(token));
    }
    next.run(request).await
}

/// The path with its token segment replaced, and the token.
fn split_token(path: &str) -> Option<(String, SecretString)> {
    ["/api/v1/info/", "/api/v1/action/"]
        .into_iter()
        .find_map(|prefix| {
            let rest = path.strip_prefix(prefix)?;
            let (token, tail) = rest
                .split_once('/')
                .map_or((rest, None), |(t, tail)| (t, Some(tail)));
            if token.is_empty() || token == REDACTED {
                return None;
            }
            let path = match tail {
                Some(tail) => format!("{prefix}{REDACTED}/{tail}"),
                None => format!("{prefix}{REDACTED}"),
            };
            Some((path, SecretString::from(token.to_owned())))
        })
}

/// Whether `given` is one of the tokens spacewarden is configured with (`HF_TOKEN` /
/// `HF_API_TOKEN`, or an owner's own from `HF_USER`). Every one is compared, in
/// constant time, so the answer's timing tells nothing about which came close.
pub(super) fn configured(monitor: &Monitor, given: &PathToken) -> bool {
    let config = monitor.config();
    let given = given.0.expose_secret().as_bytes();
    config
        .hf_token
        .iter()
        .chain(config.owner_tokens.values().flatten())
        .fold(false, |found, token| {
            keys_match(token.expose_secret().as_bytes(), given) | found
        })
}

/// Whether spacewarden acts on `owner`'s Spaces with exactly this token.
pub(super) fn owns(monitor: &Monitor, given: &PathToken, owner: &str) -> bool {
    monitor.config().token_for(owner).is_some_and(|token| {
        keys_match(
            token.expose_secret().as_bytes(),
            given.0.expose_secret().as_bytes(),
        )
    })
}

/// Logs each use of a compatibility route (the path is already redacted), so an
/// operator sees which clients still need moving.
pub(super) fn deprecated(uri: &Uri, native: &str) {
    tracing::info!(path = %uri.path(), instead = native, "deprecated compatibility route called");
}

/// The action words both tools use and the command each becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verb {
    Restart,
    Rebuild,
    Pause,
    Resume,
}

impl Verb {
    pub(super) fn parse(word: &str) -> Option<Verb> {
        match word {
            "restart" => Some(Verb::Restart),
            "rebuild" => Some(Verb::Rebuild),
            "pause" => Some(Verb::Pause),
            "resume" => Some(Verb::Resume),
            _ => None,
        }
    }

    /// The tools' Chinese verb (重启 restart, 重建 rebuild, 暂停 pause, 恢复 resume).
    pub(super) fn chinese(self) -> &'static str {
        match self {
            Verb::Restart => "重启",
            Verb::Rebuild => "重建",
            Verb::Pause => "暂停",
            Verb::Resume => "恢复",
        }
    }

    fn command(self, id: &SpaceId) -> Command {
        let space = id.to_string();
        match self {
            Verb::Restart => Command::Restart(space),
            // The request is itself explicit, as on the native API.
            Verb::Rebuild => Command::Rebuild {
                space,
                confirmed: true,
            },
            Verb::Pause => Command::Pause(space),
            Verb::Resume => Command::Wake(space),
        }
    }
}

/// How an action asked through a compatibility route ended, as far as the caller
/// waits: the tools answered once the Hub had taken the call.
pub(super) enum Acted {
    /// The Hub accepted the call; the action row's id.
    Accepted(i64),
    NotWatched,
    /// Refused before the Hub was called, or the Hub refused; a sentence of ours.
    Failed(String),
    /// `API_READ_KEY` may read, not act.
    Denied(String),
}

/// How long to wait for the Hub to take a call the command core started. Longer
/// than a call with its retries and pacing takes; past it the action still runs,
/// and the caller hears that it was not confirmed.
const ACCEPT_WAIT: Duration = Duration::from_secs(60);

/// Runs `verb` on `id` through the command core, then waits until its action row
/// says the Hub took the call (`called`) or the step ended.
pub(super) async fn act(state: &WebState, actor: &Actor, id: &SpaceId, verb: Verb) -> Acted {
    let response = state.core.execute(actor, verb.command(id)).await;
    let action = match response.outcome {
        Outcome::Done { action } => action,
        Outcome::NotWatched => return Acted::NotWatched,
        Outcome::Denied(denied) => return Acted::Denied(denied.sentence().into()),
        _ => return Acted::Failed(response.reply.title),
    };
    tracing::info!(space = %id, action = ?verb, actor = "api", "action requested (compatibility route)");
    let Some(action) = action else {
        return Acted::Failed("no action was recorded".into());
    };
    let deadline = tokio::time::Instant::now() + ACCEPT_WAIT;
    loop {
        match state.monitor.store().actions(id, 20).await {
            Ok(rows) => match rows.iter().find(|row| row.id == action) {
                Some(row) if row.result.as_deref() == Some("failed") => {
                    return Acted::Failed(format!(
                        "the Hub did not take the call (action {action}; see its history)"
                    ));
                }
                Some(row) if row.state != ActionState::Pending => return Acted::Accepted(action),
                _ => {}
            },
            Err(e) => {
                let reference = crate::telemetry::ErrorRef::log("cannot read an action", &e);
                return Acted::Failed(format!("internal error (ref {reference})"));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Acted::Failed(format!(
                "the Hub has not confirmed the call yet (action {action} is still running)"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Marks every operation of the "compatibility" tag deprecated in the OpenAPI
/// document: the native routes replace them.
pub(super) struct Deprecate;

impl utoipa::Modify for Deprecate {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::Deprecated;
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                let compat = operation
                    .tags
                    .as_ref()
                    .is_some_and(|tags| tags.iter().any(|t| t == "compatibility"));
                if compat {
                    operation.deprecated = Some(Deprecated::True);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(path: &str) -> Option<(String, String)> {
        split_token(path).map(|(path, token)| (path, token.expose_secret().to_owned()))
    }

    #[test]
    fn the_path_token_is_cut_out_of_both_node_routes() {
        assert_eq!(
            cut("/api/v1/info/hf_abc"),
            Some(("/api/v1/info/[redacted]".into(), "hf_abc".into()))
        );
        assert_eq!(
            cut("/api/v1/info/hf_abc/alice/app"),
            Some(("/api/v1/info/[redacted]/alice/app".into(), "hf_abc".into()))
        );
        assert_eq!(
            cut("/api/v1/action/hf_abc/alice/app/restart"),
            Some((
                "/api/v1/action/[redacted]/alice/app/restart".into(),
                "hf_abc".into()
            ))
        );
        // Other routes, and a path already redacted, are left alone.
        for other in [
            "/api/v1/spaces/alice/app",
            "/api/v1/external/info",
            "/api/v1/info/",
            "/api/v1/info/[redacted]/alice/app",
            "/api/v1/information/x",
        ] {
            assert_eq!(cut(other), None, "{other}");
        }
    }
}
