//! Answering interactions: the callback route (`POST
//! /interactions/{id}/{token}/callback`) with Discord's 3-second window and
//! single-acknowledgement rule, the response message it creates (or the
//! component message it updates), and the `interaction_metadata` that
//! response messages carry. The webhook routes live in `webhooks`.
//!
//! Choices where the docs are silent: a callback type that does not fit the
//! interaction kind is 50035 BASE_TYPE_CHOICES on `type`; a rejected
//! (invalid) callback does not count as the acknowledgement; a type 5
//! creates the "thinking" message (flags 128 LOADING, plus 64 if asked);
//! `?with_response=true` returns the interaction callback response object.

use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::limits::{self, Errors, bad_len, path};
use super::messages::{self, LOADING, TYPE_CHAT_INPUT, TYPE_DEFAULT};
use super::reply::{Reply, form_error};
use super::state::{InteractionRec, State};
use super::types::{Callback, EPHEMERAL};

pub(super) struct CallbackReq<'a> {
    pub id: u64,
    pub token: &'a str,
    pub body: &'a Value,
    pub with_response: bool,
    pub now: Instant,
}

pub(super) fn callback(st: &mut State, req: CallbackReq<'_>) -> Reply {
    let window = st.cfg.ack_window;
    let Some(rec) = st
        .interactions
        .iter()
        .find(|i| i.id == req.id && i.token == req.token)
    else {
        return Reply::unknown_interaction();
    };
    if rec.callback.is_some() {
        return Reply::already_acknowledged();
    }
    let after = req.now.duration_since(rec.dispatched_at);
    if after > window {
        return Reply::unknown_interaction();
    }
    let kind = req.body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = req.body.get("data").filter(|d| !d.is_null());
    if let Err(reply) = validate(rec.kind, kind, data) {
        return reply;
    }
    let flags = data
        .and_then(|d| d.get("flags"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let (rec_kind, source, channel_id) = (rec.kind, rec.source_message_id, rec.channel_id);
    let meta = metadata(rec, None);
    let empty = json!({});
    let data_or_empty = data.unwrap_or(&empty);
    let original = match kind {
        4 => {
            let msg_type = if rec_kind == 2 {
                TYPE_CHAT_INPUT
            } else {
                TYPE_DEFAULT
            };
            let extra = webhook_extra(st, meta);
            Some(messages::create(
                st,
                channel_id,
                data_or_empty,
                msg_type,
                extra,
            ))
        }
        5 => {
            let body = json!({ "content": "", "flags": (flags & EPHEMERAL) | LOADING });
            let msg_type = if rec_kind == 2 {
                TYPE_CHAT_INPUT
            } else {
                TYPE_DEFAULT
            };
            let extra = webhook_extra(st, meta);
            Some(messages::create(st, channel_id, &body, msg_type, extra))
        }
        6 => source.and_then(|id| st.message(id)).map(|m| m.json.clone()),
        7 => match source {
            Some(id) => match messages::edit(st, id, data_or_empty) {
                Ok(msg) => Some(msg),
                Err(reply) => return reply,
            },
            None => None,
        },
        _ => None,
    };
    let original_id = original.as_ref().and_then(message_id);
    let Some(rec) = st.interactions.iter_mut().find(|i| i.id == req.id) else {
        return Reply::unknown_interaction();
    };
    rec.original_id = original_id;
    rec.loading = kind == 5;
    rec.deferred_flags = if kind == 5 { flags & EPHEMERAL } else { 0 };
    rec.callback = Some(Callback {
        interaction_id: rec.id,
        token: rec.token.clone(),
        kind: kind as u8,
        data: data.cloned(),
        flags,
        at: req.now,
        after,
    });
    if !req.with_response {
        return Reply::no_content();
    }
    let mut resource = json!({ "type": kind });
    if let Some(msg) = original.filter(|_| matches!(kind, 4 | 7)) {
        resource["message"] = msg;
    }
    Reply::ok(json!({
        "interaction": {
            "id": req.id.to_string(),
            "type": rec_kind,
            "activity_instance_id": null,
            "response_message_id": original_id.map(|i| i.to_string()),
            "response_message_loading": kind == 5,
            "response_message_ephemeral": flags & EPHEMERAL != 0,
        },
        "resource": resource,
    }))
}

pub(super) fn message_id(msg: &Value) -> Option<u64> {
    msg.get("id")?.as_str()?.parse().ok()
}

fn validate(interaction_kind: u8, kind: u64, data: Option<&Value>) -> Result<(), Reply> {
    let allowed: &[u64] = match interaction_kind {
        2 => &[4, 5, 9],
        3 => &[4, 5, 6, 7, 9],
        4 => &[8],
        _ => &[4, 5, 6, 7],
    };
    let mut errs = Errors::default();
    if !allowed.contains(&kind) {
        let list: Vec<String> = allowed.iter().map(u64::to_string).collect();
        let msg = format!("Value must be one of {{{}}}.", list.join(", "));
        errs.add(&["type".to_string()], form_error("BASE_TYPE_CHOICES", msg));
        return errs.into_reply();
    }
    let empty = json!({});
    let d = data.unwrap_or(&empty);
    let at = vec!["data".to_string()];
    match kind {
        4 => {
            limits::check_message(d, &at)?;
            if limits::is_empty_message(d) {
                return Err(Reply::empty_message());
            }
        }
        7 => limits::check_message(d, &at)?,
        8 => {
            let choices = d
                .get("choices")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            if choices.len() > 25 {
                let msg = "Must be 25 or fewer in length.";
                errs.add(
                    &path(&at, &["choices"]),
                    form_error("BASE_TYPE_MAX_LENGTH", msg),
                );
            }
            for (i, c) in choices.iter().enumerate().take(25) {
                let at = path(&at, &["choices", &i.to_string()]);
                bad_len(&mut errs, path(&at, &["name"]), c.get("name"), 1, 100);
                if c.get("value").is_some_and(Value::is_string) {
                    bad_len(&mut errs, path(&at, &["value"]), c.get("value"), 1, 100);
                }
            }
        }
        9 => {
            bad_len(
                &mut errs,
                path(&at, &["custom_id"]),
                d.get("custom_id"),
                1,
                100,
            );
            bad_len(&mut errs, path(&at, &["title"]), d.get("title"), 1, 45);
            let n = d
                .get("components")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if !(1..=5).contains(&n) {
                let msg = "Must be between 1 and 5 in length.";
                errs.add(
                    &path(&at, &["components"]),
                    form_error("BASE_TYPE_BAD_LENGTH", msg),
                );
            }
        }
        _ => {}
    }
    errs.into_reply()
}

/// `interaction_metadata` for a response message.
pub(super) fn metadata(rec: &InteractionRec, original: Option<u64>) -> Value {
    let owner = rec.guild_id.map_or("0".to_string(), |g| g.to_string());
    let mut m = json!({
        "id": rec.id.to_string(),
        "type": rec.kind,
        "user": rec.user,
        "authorizing_integration_owners": { "0": owner },
    });
    if let Some(name) = &rec.command_name {
        m["name"] = json!(name);
        m["command_type"] = json!(1);
    }
    if let Some(src) = rec.source_message_id {
        m["interacted_message_id"] = json!(src.to_string());
    }
    if let Some(o) = original {
        m["original_response_message_id"] = json!(o.to_string());
    }
    m
}

pub(super) fn webhook_extra(st: &State, meta: Value) -> Map<String, Value> {
    let app = json!(st.cfg.application_id.to_string());
    let mut extra = Map::new();
    extra.insert("webhook_id".into(), app.clone());
    extra.insert("application_id".into(), app);
    extra.insert("interaction_metadata".into(), meta);
    extra
}
