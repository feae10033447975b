//! `sendMessage`, `editMessageText`, `editMessageReplyMarkup` and
//! `sendChatAction`, with the server's order of checks: the server's own
//! argument checks (empty chat_id or text, parse_mode, HTML, markup syntax),
//! then the chat ("chat not found"), then tdlib's text checks (non-empty
//! after trimming, 4096 UTF-16 units), then Telegram's (callback data,
//! injected chat failures such as blocked or migrated, flood control).
//!
//! Choice where the docs are silent: "not modified" compares text, entities
//! and the inline keyboard (not link preview options); an edit that omits
//! `reply_markup` removes the keyboard, as on Telegram.

use serde_json::{Value, json};
use tokio::time::Instant;

use super::args::Args;
use super::markup::{self, Markup};
use super::records::{EditRecord, SentMessage};
use super::reply::{Answer, ApiError};
use super::state::{Sender, Shared, State, Stored};
use super::{entities, render, text};

const ACTIONS: &[&str] = &[
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

fn chat_arg(args: &Args) -> Result<&str, ApiError> {
    match args.str("chat_id") {
        "" => Err(ApiError::bad("chat_id is empty")),
        s => Ok(s),
    }
}

/// The `text` argument parsed, before tdlib's trimming.
fn parsed_text(args: &Args) -> Result<(String, Vec<entities::Entity>), ApiError> {
    let raw = args.str("text");
    if raw.is_empty() {
        return Err(ApiError::bad("message text is empty"));
    }
    text::parse(raw, args.str("parse_mode"))
}

fn link_preview(args: &Args) -> Result<Option<Value>, ApiError> {
    if args.bool("disable_web_page_preview") {
        return Ok(Some(json!({ "is_disabled": true })));
    }
    match args.json("link_preview_options") {
        None => Ok(None),
        Some(Err(())) => Err(ApiError::bad(
            "can't parse link preview options JSON object",
        )),
        Some(Ok(v)) => Ok(render::link_preview(&v)),
    }
}

/// `(message_id, allow_sending_without_reply)` from `reply_parameters` or
/// the older `reply_to_message_id`.
fn reply_target(args: &Args) -> Result<Option<(i64, bool)>, ApiError> {
    match args.json("reply_parameters") {
        Some(Err(())) => Err(ApiError::bad("can't parse reply parameters JSON object")),
        Some(Ok(v)) => match v.get("message_id").and_then(Value::as_i64) {
            // verified
            None => Err(ApiError::bad("can't find field \"message_id\"")),
            Some(id) => Ok(Some((id, v["allow_sending_without_reply"] == json!(true)))),
        },
        None if args.has("reply_to_message_id") => Ok(Some((
            args.int("reply_to_message_id", 0, i64::MIN, i64::MAX),
            args.bool("allow_sending_without_reply"),
        ))),
        None => Ok(None),
    }
}

pub(crate) fn send_message(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let chat_arg = chat_arg(args)?;
    let (parsed, parsed_entities) = parsed_text(args)?;
    let markup = markup::parse(args)?;
    let link_preview = link_preview(args)?;
    let reply = reply_target(args)?;
    let thread = args.int("message_thread_id", 0, i64::MIN, i64::MAX);

    let mut st = shared.lock();
    let chat = st.resolve_chat(chat_arg)?;
    let (text, entities) = text::fix(&parsed, parsed_entities)?;
    text::check_length(&text)?;
    if thread != 0 && !chat.is_forum {
        return Err(ApiError::bad("message thread not found"));
    }
    let reply_to = match reply {
        Some((id, _)) if st.messages.contains_key(&(chat.id, id)) => Some(id),
        Some((_, true)) | None => None,
        Some((_, false)) => return Err(ApiError::bad("message to be replied not found")),
    };
    markup::check_server_side(markup.as_ref())?;
    st.chat_failure(&chat)?;
    let now = Instant::now();
    st.limits
        .check(chat.id, chat.kind, now)
        .map_err(ApiError::flood)?;
    st.limits.record(chat.id, now);

    let message_id = st.alloc_message_id(chat.id);
    let stored = Stored {
        chat_id: chat.id,
        message_id,
        sender: Sender::Bot,
        date: now_unix(),
        edit_date: None,
        text: text.clone(),
        entities,
        markup: markup.and_then(|m| m.inline),
        link_preview: link_preview.clone(),
        thread_id: (thread != 0).then_some(thread),
        reply_to,
    };
    let result = render::message_json(&st, shared.bot_id, &stored, true);
    st.sent.push(SentMessage {
        chat_id: chat.id,
        message_id,
        raw_text: args.str("text").to_string(),
        parse_mode: Some(args.str("parse_mode").to_string()).filter(|p| !p.is_empty()),
        text,
        entities: result.get("entities").cloned().unwrap_or_else(|| json!([])),
        reply_markup: stored.markup.clone(),
        disable_notification: args.bool("disable_notification"),
        link_preview_options: link_preview,
        message_thread_id: stored.thread_id,
        reply_to_message_id: reply_to,
        date: stored.date,
    });
    st.messages.insert((chat.id, message_id), stored);
    Ok(result.into())
}

/// The message an edit targets: the chat, then the message, which must be
/// one the bot sent.
fn edit_target(st: &mut State, args: &Args) -> Result<(i64, i64), ApiError> {
    if args.has("inline_message_id") {
        return Err(ApiError::bad(
            "fake_telegram does not emulate inline_message_id",
        ));
    }
    let chat = st.resolve_chat(chat_arg(args)?)?;
    let message_id = args.int("message_id", 0, i64::MIN, i64::MAX);
    if message_id == 0 {
        return Err(ApiError::bad("message identifier is not specified"));
    }
    match st.messages.get(&(chat.id, message_id)) {
        None => Err(ApiError::bad("message to edit not found")),
        Some(m) if !matches!(m.sender, Sender::Bot) => {
            Err(ApiError::bad("message can't be edited"))
        }
        Some(_) => Ok((chat.id, message_id)),
    }
}

fn not_modified() -> ApiError {
    ApiError::bad(
        "message is not modified: specified new message content and reply markup are exactly \
         the same as a current content and reply markup of the message",
    )
}

/// The new content of an `editMessageText`, after tdlib's checks.
struct NewText {
    text: String,
    entities: Vec<entities::Entity>,
    link_preview: Option<Value>,
}

/// Shared by both edits; `new_text` is `None` for a markup-only edit.
fn edit(
    shared: &Shared,
    args: &Args,
    method: &str,
    new_text: Option<(String, Vec<entities::Entity>)>,
    markup: Option<Markup>,
) -> Result<Answer, ApiError> {
    let link_preview = link_preview(args)?;
    let mut st = shared.lock();
    let (chat_id, message_id) = edit_target(&mut st, args)?;
    let new_text = match new_text {
        Some((parsed, ents)) => {
            let (text, entities) = text::fix(&parsed, ents)?;
            text::check_length(&text)?;
            Some(NewText {
                text,
                entities,
                link_preview,
            })
        }
        None => None,
    };
    markup::check_server_side(markup.as_ref())?;
    let chat = st.chat_or_inferred(chat_id);
    st.chat_failure(&chat)?;
    let new_markup = markup.and_then(|m| m.inline);
    let stored = st
        .messages
        .get_mut(&(chat_id, message_id))
        .expect("edit_target found it");
    let same_text = new_text
        .as_ref()
        .is_none_or(|t| t.text == stored.text && t.entities == stored.entities);
    if same_text && new_markup == stored.markup {
        return Err(not_modified());
    }
    if let Some(t) = &new_text {
        stored.text = t.text.clone();
        stored.entities = t.entities.clone();
        stored.link_preview = t.link_preview.clone();
    }
    stored.markup = new_markup.clone();
    stored.edit_date = Some(now_unix());
    let stored = stored.clone();
    st.edits.push(EditRecord {
        chat_id,
        message_id,
        method: method.to_string(),
        raw_text: new_text.as_ref().map(|_| args.str("text").to_string()),
        parse_mode: Some(args.str("parse_mode").to_string()).filter(|p| !p.is_empty()),
        text: new_text.map(|t| t.text),
        reply_markup: new_markup,
    });
    Ok(render::message_json(&st, shared.bot_id, &stored, true).into())
}

pub(crate) fn edit_message_text(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let parsed = parsed_text(args)?;
    let markup = markup::parse(args)?;
    edit(shared, args, "editmessagetext", Some(parsed), markup)
}

pub(crate) fn edit_message_reply_markup(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let markup = markup::parse(args)?;
    edit(shared, args, "editmessagereplymarkup", None, markup)
}

pub(crate) fn send_chat_action(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let chat_arg = chat_arg(args)?;
    if !ACTIONS.contains(&args.str("action")) {
        return Err(ApiError::bad("wrong parameter action in request"));
    }
    let mut st = shared.lock();
    let chat = st.resolve_chat(chat_arg)?;
    st.chat_failure(&chat)?;
    Ok(json!(true).into())
}
