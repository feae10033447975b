//! The command menu: `setMyCommands`, `getMyCommands`, `deleteMyCommands`,
//! one list per scope and language. Validation follows tdlib's
//! `set_commands` (trim, strip ONE leading `/`, 1–32 characters, non-empty
//! description up to 256) and then Telegram's server (only `[a-z0-9_]`,
//! else BOT_COMMAND_INVALID; at most 100 commands). So the `/status` that
//! teloxide's `bot_commands()` sends is stored as `status`, and an
//! uppercase command is refused, as on the real API. A missing `commands`
//! argument sets an empty list, which deletes the scope's menu.
//!
//! Choices where the docs are silent: "BOT_COMMANDS_TOO_MUCH" is the
//! server's error name for more than 100 commands; scope errors use the
//! server's "can't parse BotCommandScope: …" wording (not observed live).

use serde_json::{Value, json};

use super::args::Args;
use super::records::{BotCommand, CommandSet};
use super::reply::{Answer, ApiError};
use super::state::{Shared, State};

fn language(args: &Args) -> Result<String, ApiError> {
    let lc = args.str("language_code");
    let valid = lc.is_empty() || (lc.len() == 2 && lc.bytes().all(|b| b.is_ascii_lowercase()));
    if !valid {
        return Err(ApiError::bad("invalid language code specified"));
    }
    Ok(lc.to_string())
}

fn scope_error(msg: &str) -> ApiError {
    ApiError::bad(format!("can't parse BotCommandScope: {msg}"))
}

fn id_field(obj: &Value, field: &str) -> Result<String, ApiError> {
    match obj.get(field) {
        None => Err(scope_error(&format!("Can't find field \"{field}\""))),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Ok(v.to_string()),
    }
}

/// The normalized scope: `{"type"}` plus numeric `chat_id`/`user_id`.
fn scope(st: &mut State, args: &Args) -> Result<Value, ApiError> {
    let value = match args.json("scope") {
        None => return Ok(json!({ "type": "default" })),
        Some(Err(())) => return Err(ApiError::bad("can't parse BotCommandScope JSON object")),
        Some(Ok(v)) => v,
    };
    if !value.is_object() {
        return Err(scope_error("BotCommandScope must be an Object"));
    }
    let ty = match value.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None => return Err(scope_error("Can't find field \"type\"")),
    };
    match ty.as_str() {
        "default" | "all_private_chats" | "all_group_chats" | "all_chat_administrators" => {
            Ok(json!({ "type": ty }))
        }
        "chat" | "chat_administrators" | "chat_member" => {
            let chat = st.resolve_chat(&id_field(&value, "chat_id")?)?;
            let mut out = json!({ "type": ty, "chat_id": chat.id });
            if ty == "chat_member" {
                let user = id_field(&value, "user_id")?;
                out["user_id"] = json!(super::args::to_integer(&user));
            }
            Ok(out)
        }
        _ => Err(scope_error("Unsupported type specified")),
    }
}

fn commands(args: &Args) -> Result<Vec<BotCommand>, ApiError> {
    let list = match args.json("commands") {
        None => return Ok(Vec::new()),
        Some(Err(())) => return Err(ApiError::bad("can't parse commands JSON object")),
        Some(Ok(Value::Array(list))) => list,
        Some(Ok(_)) => return Err(ApiError::bad("expected an Array of BotCommand")),
    };
    let field = |c: &Value, name: &str| -> Result<String, ApiError> {
        c.get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                ApiError::bad(format!(
                    "can't parse BotCommand: Can't find field \"{name}\""
                ))
            })
    };
    let mut out = Vec::with_capacity(list.len());
    for c in &list {
        let sent = field(c, "command")?;
        let description = field(c, "description")?.trim().to_string();
        let trimmed = sent.trim();
        let command = trimmed.strip_prefix('/').unwrap_or(trimmed).to_string();
        if command.is_empty() {
            return Err(ApiError::bad("command must be non-empty"));
        }
        if command.chars().count() > 32 {
            return Err(ApiError::bad("command length must not exceed 32"));
        }
        if description.is_empty() {
            return Err(ApiError::bad("command description must be non-empty"));
        }
        if description.chars().count() > 256 {
            return Err(ApiError::bad(
                "command description length must not exceed 256",
            ));
        }
        out.push(BotCommand {
            command,
            description,
            command_as_sent: sent,
        });
    }
    // Telegram's own checks come after tdlib's.
    if out.len() > 100 {
        return Err(ApiError::bad("BOT_COMMANDS_TOO_MUCH"));
    }
    let valid = |c: &str| {
        c.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if out.iter().any(|c| !valid(&c.command)) {
        return Err(ApiError::bad("BOT_COMMAND_INVALID"));
    }
    Ok(out)
}

fn position(st: &State, scope: &Value, lang: &str) -> Option<usize> {
    st.commands
        .iter()
        .position(|s| &s.scope == scope && s.language_code == lang)
}

pub(crate) fn set_my_commands(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let list = commands(args)?;
    let mut st = shared.lock();
    let scope = scope(&mut st, args)?;
    let lang = language(args)?;
    let existing = position(&st, &scope, &lang);
    match (existing, list.is_empty()) {
        (Some(i), true) => {
            st.commands.remove(i);
        }
        (None, true) => {}
        (Some(i), false) => st.commands[i].commands = list,
        (None, false) => st.commands.push(CommandSet {
            scope,
            language_code: lang,
            commands: list,
        }),
    }
    Ok(json!(true).into())
}

pub(crate) fn get_my_commands(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let mut st = shared.lock();
    let scope = scope(&mut st, args)?;
    let lang = language(args)?;
    let list: Vec<Value> = position(&st, &scope, &lang)
        .map(|i| st.commands[i].commands.clone())
        .unwrap_or_default()
        .iter()
        .map(|c| json!({ "command": c.command, "description": c.description }))
        .collect();
    Ok(Value::Array(list).into())
}

pub(crate) fn delete_my_commands(shared: &Shared, args: &Args) -> Result<Answer, ApiError> {
    let mut st = shared.lock();
    let scope = scope(&mut st, args)?;
    let lang = language(args)?;
    if let Some(i) = position(&st, &scope, &lang) {
        st.commands.remove(i);
    }
    Ok(json!(true).into())
}
