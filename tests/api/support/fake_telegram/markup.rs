//! `reply_markup`: the server's own parsing errors (checked before the chat
//! is looked at), Telegram's `BUTTON_DATA_INVALID` for callback data over
//! 64 bytes (a server-side error, checked after), and the inline keyboard
//! as a message echoes it. Only inline keyboards stay on a message; reply
//! keyboards, `remove_keyboard` and `force_reply` are accepted and dropped,
//! as the server drops them.
//!
//! Error texts marked "verified" match answers recorded from the live API;
//! the others follow the server's wording pattern but were not observed.

use serde_json::{Map, Value, json};

use super::args::Args;
use super::reply::ApiError;
use super::text::checked_link;

/// Longest `callback_data`, in bytes.
pub(crate) const MAX_CALLBACK_DATA: usize = 64;

pub(crate) struct Markup {
    /// `{"inline_keyboard": …}` normalized, or `None` for other markups.
    pub(crate) inline: Option<Value>,
}

/// Button kinds other than `url` and `callback_data`, echoed as given.
const OTHER_KINDS: &[&str] = &[
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
];

fn button_error(msg: impl std::fmt::Display) -> ApiError {
    ApiError::bad(format!("can't parse inline keyboard button: {msg}"))
}

/// The local checks of the server's `get_reply_markup`.
pub(crate) fn parse(args: &Args) -> Result<Option<Markup>, ApiError> {
    let value = match args.json("reply_markup") {
        None => return Ok(None),
        Some(Err(())) => {
            return Err(ApiError::bad(
                "can't parse reply keyboard markup JSON object",
            ));
        }
        Some(Ok(v)) => v,
    };
    let Value::Object(obj) = value else {
        return Err(ApiError::bad("object expected as reply markup"));
    };
    let Some(rows) = obj.get("inline_keyboard") else {
        if obj.get("keyboard").is_some_and(|k| !k.is_array()) {
            return Err(ApiError::bad("field \"keyboard\" must be of type Array"));
        }
        return Ok(Some(Markup { inline: None }));
    };
    // verified
    let rows = rows
        .as_array()
        .ok_or_else(|| ApiError::bad("field \"inline_keyboard\" must be of type Array"))?;
    let mut out_rows = Vec::with_capacity(rows.len());
    for row in rows {
        let row = row
            .as_array()
            .ok_or_else(|| ApiError::bad("field \"inline_keyboard\" must be an Array of Arrays"))?;
        let buttons = row
            .iter()
            .map(parse_button)
            .collect::<Result<Vec<_>, _>>()?;
        out_rows.push(Value::Array(buttons));
    }
    Ok(Some(Markup {
        inline: Some(json!({ "inline_keyboard": out_rows })),
    }))
}

fn parse_button(button: &Value) -> Result<Value, ApiError> {
    let obj = button
        .as_object()
        .ok_or_else(|| button_error("expected an Object"))?;
    // verified
    let text = match obj.get("text") {
        None => return Err(button_error("Can't find field \"text\"")),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(button_error("Field \"text\" must be of type String")),
    };
    let mut out = Map::new();
    out.insert("text".into(), json!(text));
    let non_empty = |k: &str| obj.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    if let Some(url) = non_empty("url") {
        check_button_url(url)?;
        out.insert("url".into(), json!(url));
    } else if let Some(data) = non_empty("callback_data") {
        out.insert("callback_data".into(), json!(data));
    } else if let Some(kind) = OTHER_KINDS.iter().find(|k| obj.contains_key(**k)) {
        out.insert((*kind).into(), obj[*kind].clone());
    } else {
        // verified (also for an empty callback_data)
        return Err(button_error(
            "Text buttons are unallowed in the inline keyboard",
        ));
    }
    Ok(Value::Object(out))
}

/// verified: "Wrong HTTP URL" and "Unsupported URL protocol".
fn check_button_url(url: &str) -> Result<(), ApiError> {
    let invalid = |why: &str| {
        ApiError::bad(format!(
            "inline keyboard button URL '{url}' is invalid: {why}"
        ))
    };
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("tg://") {
        return Ok(());
    }
    if let Some(i) = lower.find("://")
        && !matches!(&lower[..i], "http" | "https")
    {
        return Err(invalid("Unsupported URL protocol"));
    }
    checked_link(url)
        .map(|_| ())
        .ok_or_else(|| invalid("Wrong HTTP URL"))
}

/// The callback data of every button of a normalized inline keyboard.
pub(crate) fn callback_data(inline: &Value) -> Vec<String> {
    inline["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|b| b.get("callback_data").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// Telegram's own check, answered after the chat was resolved (verified).
pub(crate) fn check_server_side(markup: Option<&Markup>) -> Result<(), ApiError> {
    let Some(inline) = markup.and_then(|m| m.inline.as_ref()) else {
        return Ok(());
    };
    if callback_data(inline)
        .iter()
        .any(|d| d.len() > MAX_CALLBACK_DATA)
    {
        return Err(ApiError::bad("BUTTON_DATA_INVALID"));
    }
    Ok(())
}
