//! The Bot API's JSON for users, chats, messages, `getMe` and
//! `getWebhookInfo`, with the fields the real server emits (optional ones
//! left out when empty, as it does) so that teloxide's types deserialize
//! exactly what they would from Telegram.

use serde_json::{Value, json};

use super::entities;
use super::records::{ChatKind, ChatSpec, TgUser};
use super::state::{Sender, State, Stored};

pub(crate) fn user_json(u: &TgUser) -> Value {
    let mut o = json!({ "id": u.id, "is_bot": false, "first_name": u.first_name });
    if let Some(v) = &u.last_name {
        o["last_name"] = json!(v);
    }
    if let Some(v) = &u.username {
        o["username"] = json!(v);
    }
    if let Some(v) = &u.language_code {
        o["language_code"] = json!(v);
    }
    o
}

pub(crate) fn bot_json(st: &State, bot_id: i64) -> Value {
    json!({
        "id": bot_id,
        "is_bot": true,
        "first_name": st.bot.first_name,
        "username": st.bot.username,
    })
}

/// `getMe`: every field the current API returns, so teloxide's `Me` (which
/// requires `has_main_web_app` among others) deserializes.
pub(crate) fn me_json(st: &State, bot_id: i64) -> Value {
    let mut me = bot_json(st, bot_id);
    me["can_join_groups"] = json!(true);
    me["can_read_all_group_messages"] = json!(!st.bot.privacy);
    me["supports_inline_queries"] = json!(false);
    me["can_connect_to_business"] = json!(false);
    me["has_main_web_app"] = json!(false);
    me["has_topics_enabled"] = json!(false);
    me["allows_users_to_create_topics"] = json!(false);
    me
}

pub(crate) fn chat_json(c: &ChatSpec) -> Value {
    let mut o = json!({ "id": c.id });
    match c.kind {
        ChatKind::Private => {
            o["first_name"] = json!(c.first_name.clone().unwrap_or_default());
            if let Some(v) = &c.last_name {
                o["last_name"] = json!(v);
            }
            if let Some(v) = &c.username {
                o["username"] = json!(v);
            }
            o["type"] = json!("private");
        }
        ChatKind::Group => {
            o["title"] = json!(c.title.clone().unwrap_or_default());
            o["type"] = json!("group");
            // New basic groups let everyone do everything.
            o["all_members_are_administrators"] = json!(true);
        }
        ChatKind::Supergroup | ChatKind::Channel => {
            o["title"] = json!(c.title.clone().unwrap_or_default());
            if let Some(v) = &c.username {
                o["username"] = json!(v);
            }
            if c.is_forum && c.kind == ChatKind::Supergroup {
                o["is_forum"] = json!(true);
            }
            let ty = if c.kind == ChatKind::Channel {
                "channel"
            } else {
                "supergroup"
            };
            o["type"] = json!(ty);
        }
    }
    o
}

/// A stored message as the API returns it. `with_reply` adds the replied-to
/// message one level deep, as the server does.
pub(crate) fn message_json(st: &State, bot_id: i64, m: &Stored, with_reply: bool) -> Value {
    let chat = st
        .chats
        .get(&m.chat_id)
        .cloned()
        .unwrap_or_else(|| ChatSpec::inferred(m.chat_id));
    let mut o = json!({ "message_id": m.message_id });
    o["from"] = match &m.sender {
        Sender::Bot => bot_json(st, bot_id),
        Sender::User(u) => user_json(u),
    };
    o["chat"] = chat_json(&chat);
    o["date"] = json!(m.date);
    if let Some(d) = m.edit_date {
        o["edit_date"] = json!(d);
    }
    if let Some(t) = m.thread_id {
        o["message_thread_id"] = json!(t);
        o["is_topic_message"] = json!(true);
    }
    if with_reply && let Some(r) = m.reply_to.and_then(|id| st.messages.get(&(m.chat_id, id))) {
        o["reply_to_message"] = message_json(st, bot_id, r, false);
    }
    o["text"] = json!(m.text);
    if !m.entities.is_empty() {
        o["entities"] = entities::to_json(&m.entities);
    }
    if let Some(lp) = &m.link_preview {
        o["link_preview_options"] = lp.clone();
    }
    if let Some(markup) = &m.markup {
        o["reply_markup"] = markup.clone();
    }
    o
}

/// `getWebhookInfo`: `url` is "" while polling.
pub(crate) fn webhook_info(st: &State) -> Value {
    let mut o = json!({
        "url": st.webhook_url,
        "has_custom_certificate": false,
        "pending_update_count": st.queue.len(),
    });
    if !st.webhook_url.is_empty() {
        o["max_connections"] = json!(40);
    }
    if let Some(list) = &st.allowed_updates {
        o["allowed_updates"] = json!(list);
    }
    o
}

/// `link_preview_options` as the server echoes them: only the set fields.
pub(crate) fn link_preview(options: &Value) -> Option<Value> {
    let mut o = serde_json::Map::new();
    for key in [
        "is_disabled",
        "prefer_small_media",
        "prefer_large_media",
        "show_above_text",
    ] {
        if options.get(key).and_then(Value::as_bool) == Some(true) {
            o.insert(key.into(), json!(true));
        }
    }
    if let Some(url) = options
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
    {
        o.insert("url".into(), json!(url));
    }
    (!o.is_empty()).then_some(Value::Object(o))
}
