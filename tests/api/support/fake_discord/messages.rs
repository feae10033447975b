//! Messages: building the Message object Discord returns (ids, author,
//! timestamps, normalized embeds and components), the channel routes
//! (`POST`/`PATCH`/`GET /channels/{id}/messages[/{mid}]`, `GET
//! /channels/{id}`) and edits shared with interaction webhooks.
//!
//! Choices where the docs are silent: returned embeds get `"type": "rich"`
//! and lose null fields; components get the numeric `id` Discord now adds;
//! `mentions` stays empty (content is not parsed for mentions); only the
//! flags a bot may set (4 SUPPRESS_EMBEDS, 4096 SUPPRESS_NOTIFICATIONS, 64
//! EPHEMERAL for interaction responses) are kept.

use serde_json::{Map, Value, json};

use super::limits;
use super::payloads;
use super::reply::Reply;
use super::state::{State, StoredMessage};
use super::types::EPHEMERAL;

/// Message type 0 (DEFAULT) for channel posts, 20 (CHAT_INPUT_COMMAND) for
/// responses to slash commands.
pub(super) const TYPE_DEFAULT: u8 = 0;
pub(super) const TYPE_CHAT_INPUT: u8 = 20;
/// Flag of a deferred response still showing "thinking…".
pub(super) const LOADING: u64 = 1 << 7;

/// Builds and stores a new message; returns its JSON.
pub(super) fn create(
    st: &mut State,
    channel_id: u64,
    body: &Value,
    kind: u8,
    extra: Map<String, Value>,
) -> Value {
    let id = st.snowflake();
    let allowed = if extra.contains_key("webhook_id") {
        4 | 4096 | EPHEMERAL | LOADING
    } else {
        4 | 4096
    };
    let flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0) & allowed;
    let mut msg = json!({
        "type": kind,
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": payloads::bot_user(st),
        "content": body.get("content").and_then(Value::as_str).unwrap_or(""),
        "timestamp": payloads::timestamp(),
        "edited_timestamp": null,
        "tts": body.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": normalize_embeds(body.get("embeds")),
        "components": normalize_components(body.get("components")),
        "pinned": false,
        "flags": flags,
    });
    if let Some(obj) = msg.as_object_mut() {
        obj.extend(extra);
    }
    let interaction_id = msg
        .get("interaction_metadata")
        .and_then(|m| m.get("id"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok());
    st.messages.push(StoredMessage {
        id,
        channel_id,
        json: msg.clone(),
        ephemeral: flags & EPHEMERAL != 0,
        interaction_id,
    });
    msg
}

/// Applies an edit body to a stored message; the message must stay
/// non-empty. Returns the edited JSON.
pub(super) fn edit(st: &mut State, id: u64, body: &Value) -> Result<Value, Reply> {
    let Some(stored) = st.message_mut(id) else {
        return Err(Reply::unknown_message());
    };
    let mut msg = stored.json.clone();
    if let Some(content) = body.get("content") {
        msg["content"] = json!(content.as_str().unwrap_or(""));
    }
    if let Some(embeds) = body.get("embeds") {
        msg["embeds"] = normalize_embeds(Some(embeds));
    }
    if let Some(components) = body.get("components") {
        msg["components"] = normalize_components(Some(components));
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        let keep = msg["flags"].as_u64().unwrap_or(0) & EPHEMERAL;
        msg["flags"] = json!((flags & (4 | 4096)) | keep);
    }
    let flags = msg["flags"].as_u64().unwrap_or(0) & !LOADING;
    msg["flags"] = json!(flags);
    if limits::is_empty_message(&msg) {
        return Err(Reply::empty_message());
    }
    msg["edited_timestamp"] = json!(payloads::timestamp());
    stored.json = msg.clone();
    Ok(msg)
}

fn normalize_embeds(v: Option<&Value>) -> Value {
    let embeds = v.and_then(Value::as_array).cloned().unwrap_or_default();
    let out: Vec<Value> = embeds
        .into_iter()
        .map(|e| {
            let mut map = e.as_object().cloned().unwrap_or_default();
            map.retain(|_, v| !v.is_null());
            map.entry("type").or_insert(json!("rich"));
            map.insert("content_scan_version".into(), json!(0));
            Value::Object(map)
        })
        .collect();
    Value::Array(out)
}

fn normalize_components(v: Option<&Value>) -> Value {
    let mut next_id = 1;
    let rows = v.and_then(Value::as_array).cloned().unwrap_or_default();
    let out: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            let mut row = strip(row);
            row.insert("id".into(), json!(next_id));
            next_id += 1;
            if let Some(Value::Array(items)) = row.get_mut("components") {
                for item in items.iter_mut() {
                    let mut c = strip(item.take());
                    c.insert("id".into(), json!(next_id));
                    next_id += 1;
                    *item = Value::Object(c);
                }
            }
            Value::Object(row)
        })
        .collect();
    Value::Array(out)
}

fn strip(v: Value) -> Map<String, Value> {
    let mut map = v.as_object().cloned().unwrap_or_default();
    map.retain(|_, v| !v.is_null());
    map
}

// ---- channel routes ----

pub(super) fn get_channel(st: &State, channel_id: u64) -> Reply {
    match st.channels.get(&channel_id) {
        Some(ch) => Reply::ok(payloads::guild_channel(ch)),
        None => Reply::unknown_channel(),
    }
}

pub(super) fn post(st: &mut State, channel_id: u64, body: &Value) -> Reply {
    if !st.channels.contains_key(&channel_id) {
        return Reply::unknown_channel();
    }
    if let Err(reply) = limits::check_message(body, &[]) {
        return reply;
    }
    if limits::is_empty_message(body) {
        return Reply::empty_message();
    }
    Reply::ok(create(st, channel_id, body, TYPE_DEFAULT, Map::new()))
}

pub(super) fn patch(st: &mut State, channel_id: u64, message_id: u64, body: &Value) -> Reply {
    if !st.channels.contains_key(&channel_id) {
        return Reply::unknown_channel();
    }
    if st
        .message(message_id)
        .is_none_or(|m| m.channel_id != channel_id || m.ephemeral)
    {
        return Reply::unknown_message();
    }
    if let Err(reply) = limits::check_message(body, &[]) {
        return reply;
    }
    match edit(st, message_id, body) {
        Ok(msg) => Reply::ok(msg),
        Err(reply) => reply,
    }
}

pub(super) fn get(st: &State, channel_id: u64, message_id: u64) -> Reply {
    if !st.channels.contains_key(&channel_id) {
        return Reply::unknown_channel();
    }
    match st.message(message_id) {
        Some(m) if m.channel_id == channel_id && !m.ephemeral => Reply::ok(m.json.clone()),
        _ => Reply::unknown_message(),
    }
}

/// `GET /channels/{id}/messages`: newest first, at most 50 (the default).
pub(super) fn list(st: &State, channel_id: u64) -> Reply {
    if !st.channels.contains_key(&channel_id) {
        return Reply::unknown_channel();
    }
    let list: Vec<Value> = st
        .messages
        .iter()
        .rev()
        .filter(|m| m.channel_id == channel_id && !m.ephemeral)
        .take(50)
        .map(|m| m.json.clone())
        .collect();
    Reply::ok(Value::Array(list))
}
