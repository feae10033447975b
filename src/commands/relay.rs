//! Mutating commands that reach a follower replica (its API or page) are carried out
//! by the leader, exactly once: the follower writes a request row and waits for the
//! answer; the leader claims rows under its epoch, runs each through this core and
//! writes the answer back. I chose rows over forwarding the HTTP request: the shared
//! database is the one thing every replica already reaches and trusts, a row survives
//! a leader's death (a forwarded request would die with it), and the epoch fence that
//! guards action rows guards the claim too. A request claimed by a leader that died is
//! never run again: the next leader marks it interrupted and resumes whatever Hub
//! call it made from its action row, by polling.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::{Actor, Command, CommandCore, Outcome, Reply, Response, Severity};
use crate::commands::Block;
use crate::i18n::Lang;

/// How long a follower waits for a leader to claim its request before withdrawing it,
/// and then for the claimed request's answer.
const CLAIM_WAIT: Duration = Duration::from_secs(20);
const ANSWER_WAIT: Duration = Duration::from_secs(60);
/// How often the follower reads the row, and the leader looks for new ones.
const POLL: Duration = Duration::from_millis(100);
const LEADER_POLL: Duration = Duration::from_millis(250);

/// The answer as it travels in the row: what the API and the page show.
#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    outcome: Outcome,
    severity: Severity,
    title: String,
    text: Vec<String>,
}

impl Answer {
    fn of(response: &Response) -> Answer {
        Answer {
            outcome: response.outcome.clone(),
            severity: response.reply.severity,
            title: response.reply.title.clone(),
            text: response
                .reply
                .blocks
                .iter()
                .filter_map(|block| match block {
                    Block::Text(text) => Some(text.clone()),
                    _ => None,
                })
                .collect(),
        }
    }

    fn into_response(self) -> Response {
        let reply = self
            .text
            .into_iter()
            .fold(Reply::new(self.severity, self.title), Reply::text);
        Response::with(self.outcome, reply)
    }
}

impl CommandCore {
    /// A follower: hands the command to the leader and answers with its result.
    pub(super) async fn relay(&self, actor: &Actor, command: Command) -> Response {
        let store = &self.store;
        let lang = actor.lang;
        let (actor_json, command_json) = match (
            serde_json::to_string(actor),
            serde_json::to_string(&command),
        ) {
            (Ok(a), Ok(c)) => (a, c),
            (Err(e), _) | (_, Err(e)) => {
                return Response::internal(lang, "cannot relay a command", &e);
            }
        };
        let id = match store
            .submit_request(&actor_json, &command_json, self.monitor.now())
            .await
        {
            Ok(id) => id,
            Err(e) => {
                return Response::internal(lang, "cannot relay a command", &e);
            }
        };
        tracing::info!(request = id, actor = %actor.label(), command = %command.describe(), "handed to the leader");
        let claim_by = tokio::time::Instant::now() + CLAIM_WAIT;
        let answer_by = claim_by + ANSWER_WAIT;
        loop {
            tokio::time::sleep(POLL).await;
            let row = match store.request(id).await {
                Ok(Some(row)) => row,
                Ok(None) => return unavailable(lang, "chat-relay-lost"),
                Err(e) => {
                    return Response::internal(lang, "cannot read a request", &e);
                }
            };
            match row.state.as_str() {
                "done" => {
                    return match row.response.as_deref().map(serde_json::from_str::<Answer>) {
                        Some(Ok(answer)) => answer.into_response(),
                        Some(Err(e)) => {
                            Response::internal(lang, "cannot read the leader's answer", &e)
                        }
                        None => unavailable(lang, "chat-relay-empty"),
                    };
                }
                "interrupted" => {
                    return unavailable(lang, "chat-relay-interrupted");
                }
                "pending" if tokio::time::Instant::now() >= claim_by => {
                    match store.expire_request(id, self.monitor.now()).await {
                        Ok(true) => {
                            return unavailable(lang, "chat-relay-no-leader");
                        }
                        // A leader took it meanwhile: wait for its answer.
                        Ok(false) => {}
                        Err(e) => {
                            return Response::internal(lang, "cannot withdraw a request", &e);
                        }
                    }
                }
                "running" if tokio::time::Instant::now() >= answer_by => {
                    return unavailable(lang, "chat-relay-still-running");
                }
                _ => {}
            }
        }
    }

    /// The leader: carries out the requests followers wrote, oldest first, until
    /// `cancel` (or until this replica stops leading: the claim then fails).
    pub async fn serve_requests(&self, cancel: CancellationToken) -> crate::supervise::PartResult {
        let store = &self.store;
        loop {
            let claimed = tokio::select! {
                () = cancel.cancelled() => return Ok(()),
                claimed = store.claim_request() => claimed,
            };
            let row = match claimed {
                Ok(Some(row)) => row,
                Ok(None) => {
                    tokio::select! {
                        () = cancel.cancelled() => return Ok(()),
                        () = tokio::time::sleep(LEADER_POLL) => {}
                    }
                    continue;
                }
                Err(e) => return Err(format!("cannot claim a request: {e}").into()),
            };
            let answer = match (
                serde_json::from_str::<Actor>(&row.actor),
                serde_json::from_str::<Command>(&row.command),
            ) {
                (Ok(actor), Ok(command)) => {
                    let response = self.execute_where(&actor, command, false).await;
                    // The outcome of a restart arrives later, in the Space's actions.
                    Answer::of(&response)
                }
                (Err(e), _) | (_, Err(e)) => Answer::of(&Response::with(
                    Outcome::BadRequest,
                    super::words::internal(Lang::EN, "cannot read a relayed request", &e),
                )),
            };
            let text = serde_json::to_string(&answer).map_err(|e| e.to_string())?;
            if let Err(e) = store
                .finish_request(row.id, &text, self.monitor.now())
                .await
            {
                return Err(format!("cannot answer request {}: {e}", row.id).into());
            }
        }
    }
}

/// No leader carried the request out: the message `id` in `lang`.
fn unavailable(lang: Lang, id: &str) -> Response {
    Response::with(
        Outcome::Unavailable,
        Reply::error(crate::i18n::tr(lang, id, None)),
    )
}
