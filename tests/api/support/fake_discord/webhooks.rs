//! The interaction webhook routes (`/webhooks/{app}/{token}...`): fetch,
//! edit and delete the original response and send followups, for as long
//! as the interaction token lives (15 minutes).
//!
//! Choices where the docs are silent: calls before any callback answer 404
//! Unknown Webhook (10015), after an expired token 401 Invalid Webhook Token
//! (50027); `@original` after a type 6/7 callback is the component's
//! message (Discord edits it that way); after a type 5 the first followup
//! replaces the "thinking" message and inherits its ephemeral flag, as
//! Discord's clients show it.

use serde_json::{Value, json};
use tokio::time::Instant;

use super::interactions::{message_id, metadata, webhook_extra};
use super::limits;
use super::messages::{self, TYPE_CHAT_INPUT, TYPE_DEFAULT};
use super::reply::Reply;
use super::state::{InteractionRec, State};

/// The interaction behind a webhook token, checked for app id and age.
fn lookup<'a>(
    st: &'a mut State,
    app: u64,
    token: &str,
    now: Instant,
) -> Result<&'a mut InteractionRec, Reply> {
    let (app_id, lifetime) = (st.cfg.application_id, st.cfg.token_lifetime);
    let rec = st.interaction_by_token(token).filter(|_| app == app_id);
    let Some(rec) = rec else {
        return Err(Reply::unknown_webhook());
    };
    if now.duration_since(rec.dispatched_at) > lifetime {
        return Err(Reply::invalid_webhook_token());
    }
    if rec.callback.is_none() {
        return Err(Reply::unknown_webhook());
    }
    Ok(rec)
}

pub(super) fn get_original(st: &mut State, app: u64, token: &str, now: Instant) -> Reply {
    let original = match lookup(st, app, token, now) {
        Ok(rec) => rec.original_id,
        Err(reply) => return reply,
    };
    match original.and_then(|id| st.message(id)) {
        Some(m) => Reply::ok(m.json.clone()),
        None => Reply::unknown_message(),
    }
}

/// `PATCH .../messages/@original` (`message_id: None`) or `.../messages/{id}`.
pub(super) fn edit_message(
    st: &mut State,
    app: u64,
    token: &str,
    message_id: Option<u64>,
    body: &Value,
    now: Instant,
) -> Reply {
    let (original, followups) = match lookup(st, app, token, now) {
        Ok(rec) => (rec.original_id, rec.followups.clone()),
        Err(reply) => return reply,
    };
    let target = match message_id {
        None => original,
        Some(id) if Some(id) == original || followups.contains(&id) => Some(id),
        Some(_) => None,
    };
    let Some(target) = target else {
        return Reply::unknown_message();
    };
    if let Err(reply) = limits::check_message(body, &[]) {
        return reply;
    }
    let edited = match messages::edit(st, target, body) {
        Ok(msg) => msg,
        Err(reply) => return reply,
    };
    if let Some(rec) = st.interaction_by_token(token)
        && Some(target) == rec.original_id
    {
        rec.loading = false;
        rec.original_edits += 1;
    }
    Reply::ok(edited)
}

pub(super) fn delete_original(st: &mut State, app: u64, token: &str, now: Instant) -> Reply {
    let original = match lookup(st, app, token, now) {
        Ok(rec) => rec.original_id.take(),
        Err(reply) => return reply,
    };
    match original {
        Some(id) => {
            st.messages.retain(|m| m.id != id);
            Reply::no_content()
        }
        None => Reply::unknown_message(),
    }
}

pub(super) fn followup(st: &mut State, app: u64, token: &str, body: &Value, now: Instant) -> Reply {
    let (loading, original, deferred_flags) = match lookup(st, app, token, now) {
        Ok(rec) => (rec.loading, rec.original_id, rec.deferred_flags),
        Err(reply) => return reply,
    };
    if let Err(reply) = limits::check_message(body, &[]) {
        return reply;
    }
    if limits::is_empty_message(body) {
        return Reply::empty_message();
    }
    if let (true, Some(id)) = (loading, original) {
        let mut body = body.clone();
        body["flags"] = json!(deferred_flags);
        let edited = match messages::edit(st, id, &body) {
            Ok(msg) => msg,
            Err(reply) => return reply,
        };
        if let Some(rec) = st.interaction_by_token(token) {
            rec.loading = false;
            rec.original_edits += 1;
        }
        return Reply::ok(edited);
    }
    let Some(rec) = st.interactions.iter().find(|i| i.token == token) else {
        return Reply::unknown_webhook();
    };
    let (channel_id, msg_type) = (
        rec.channel_id,
        if rec.kind == 2 {
            TYPE_CHAT_INPUT
        } else {
            TYPE_DEFAULT
        },
    );
    let extra = webhook_extra(st, metadata(rec, original));
    let msg = messages::create(st, channel_id, body, msg_type, extra);
    if let (Some(id), Some(rec)) = (message_id(&msg), st.interaction_by_token(token)) {
        rec.followups.push(id);
    }
    Reply::ok(msg)
}
