//! Application command registration: bulk overwrite (`PUT`) and listing
//! (`GET`) for the global and per-guild scopes, with Discord's validation of
//! names, descriptions, option and choice counts and total size.
//!
//! `name_localizations` and `description_localizations` (on commands and options)
//! are dictionaries keyed by Discord's locales (its reference, "Locales": `zh-CN`,
//! `en-US`, …; never `zh` or `zh-Hans`), each value with the restrictions of the
//! field it localizes (a description 1–100 characters, a name the name's pattern).
//!
//! Choices where the docs are silent: an unknown locale key is a 50035 at
//! `…description_localizations.<key>` with code BASE_TYPE_CHOICES; a non-object is
//! DICT_TYPE_CONVERT. A command keeps its id across
//! overwrites when name and type match (Discord does this; its `version`
//! changes); more than 100 commands is a root-level BASE_TYPE_MAX_LENGTH;
//! a command for a guild the bot is not in, or under another application's
//! id, is 403 Missing Access; null fields in the request are dropped from
//! the echoed command.

use serde_json::{Map, Value, json};

use super::limits::{Errors, bad_len, len, path};
use super::reply::{Reply, form_error};
use super::state::State;
use super::types::CommandScope;

pub(super) fn list(st: &State, scope: CommandScope) -> Reply {
    Reply::ok(Value::Array(
        st.commands.get(&scope).cloned().unwrap_or_default(),
    ))
}

pub(super) fn overwrite(st: &mut State, scope: CommandScope, body: &Value) -> Reply {
    let Some(items) = body.as_array() else {
        let err = form_error("BASE_TYPE_ARRAY", "Must be an array.");
        return Reply::invalid_form(json!({ "_errors": [err] }));
    };
    if let Err(reply) = validate(items) {
        return reply;
    }
    let previous = st.commands.get(&scope).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for item in items {
        let kind = item.get("type").and_then(Value::as_u64).unwrap_or(1);
        let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
        let id = previous
            .iter()
            .find(|c| c["name"] == name && c["type"] == kind)
            .and_then(|c| c["id"].as_str().map(str::to_string))
            .unwrap_or_else(|| st.snowflake().to_string());
        let version = st.snowflake().to_string();
        let mut cmd = strip_nulls(item);
        cmd.insert("id".into(), json!(id));
        cmd.insert(
            "application_id".into(),
            json!(st.cfg.application_id.to_string()),
        );
        cmd.insert("version".into(), json!(version));
        cmd.insert("type".into(), json!(kind));
        cmd.entry("description").or_insert(json!(""));
        cmd.entry("default_member_permissions")
            .or_insert(Value::Null);
        cmd.entry("nsfw").or_insert(json!(false));
        cmd.entry("integration_types").or_insert(json!([0]));
        cmd.entry("contexts").or_insert(Value::Null);
        match scope {
            CommandScope::Guild(g) => {
                cmd.insert("guild_id".into(), json!(g.to_string()));
            }
            CommandScope::Global => {
                cmd.entry("dm_permission").or_insert(json!(true));
            }
        }
        out.push(Value::Object(cmd));
    }
    st.commands.insert(scope, out.clone());
    Reply::ok(Value::Array(out))
}

fn strip_nulls(v: &Value) -> Map<String, Value> {
    let mut map = v.as_object().cloned().unwrap_or_default();
    map.retain(|_, v| !v.is_null());
    map
}

/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lowercase where a
/// lowercase variant exists (chat-input commands and all options).
pub(super) fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=32).contains(&n)
        && name.chars().all(|c| {
            (c == '-' || c == '_' || c == '\'' || c.is_alphanumeric()) && !c.is_uppercase()
        })
}

fn validate(items: &[Value]) -> Result<(), Reply> {
    let mut errs = Errors::default();
    if items.len() > 100 {
        let msg = "Must be 100 or fewer in length.";
        errs.add(&[], form_error("BASE_TYPE_MAX_LENGTH", msg));
        return errs.into_reply();
    }
    let mut names = std::collections::HashSet::new();
    for (i, cmd) in items.iter().enumerate() {
        let at = vec![i.to_string()];
        let kind = cmd.get("type").and_then(Value::as_u64).unwrap_or(1);
        let name = cmd.get("name").and_then(Value::as_str);
        check_localizations(&mut errs, &at, cmd);
        if kind == 1 {
            check_name(&mut errs, path(&at, &["name"]), cmd.get("name"));
            bad_len(
                &mut errs,
                path(&at, &["description"]),
                cmd.get("description"),
                1,
                100,
            );
        } else {
            bad_len(&mut errs, path(&at, &["name"]), cmd.get("name"), 1, 32);
            if len(cmd.get("description")) > 0 {
                let msg = "Context menu commands cannot have description";
                errs.add(
                    &path(&at, &["description"]),
                    form_error("APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", msg),
                );
            }
        }
        if let Some(name) = name
            && !names.insert((name.to_string(), kind))
        {
            let msg = "Application command names must be unique";
            errs.add(
                &path(&at, &["name"]),
                form_error("APPLICATION_COMMANDS_DUPLICATE_NAME", msg),
            );
        }
        let size = len(cmd.get("name")) + len(cmd.get("description"));
        let options = cmd
            .get("options")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let size = size + check_options(&mut errs, &path(&at, &["options"]), options);
        if size > 4000 {
            let msg = "Command exceeds maximum size (4000)";
            errs.add(&at, form_error("APPLICATION_COMMAND_TOO_LARGE", msg));
        }
    }
    errs.into_reply()
}

fn check_name(errs: &mut Errors, at: Vec<String>, v: Option<&Value>) {
    match v.and_then(Value::as_str) {
        None => errs.add(
            &at,
            form_error("BASE_TYPE_REQUIRED", "This field is required"),
        ),
        Some(s) if !(1..=32).contains(&s.chars().count()) => {
            let msg = "Must be between 1 and 32 in length.";
            errs.add(&at, form_error("BASE_TYPE_BAD_LENGTH", msg));
        }
        Some(s) if !valid_name(s) => {
            let msg = "Command name is invalid";
            errs.add(&at, form_error("APPLICATION_COMMAND_INVALID_NAME", msg));
        }
        Some(_) => {}
    }
}

/// Checks an option list (recursing into subcommands); returns its size
/// in characters for the 4000-character total.
fn check_options(errs: &mut Errors, at: &[String], options: &[Value]) -> usize {
    if options.len() > 25 {
        let msg = "Must be 25 or fewer in length.";
        errs.add(at, form_error("BASE_TYPE_MAX_LENGTH", msg));
        return 0;
    }
    let mut size = 0;
    let mut seen_optional = false;
    let mut names = std::collections::HashSet::new();
    for (j, opt) in options.iter().enumerate() {
        let at = path(at, &[&j.to_string()]);
        let kind = opt.get("type").and_then(Value::as_u64);
        if !kind.is_some_and(|k| (1..=11).contains(&k)) {
            let msg = "Field \"type\" is required to determine the model type.";
            errs.add(&path(&at, &["type"]), form_error("MODEL_TYPE_CONVERT", msg));
        }
        check_name(errs, path(&at, &["name"]), opt.get("name"));
        check_localizations(errs, &at, opt);
        bad_len(
            errs,
            path(&at, &["description"]),
            opt.get("description"),
            1,
            100,
        );
        if let Some(name) = opt.get("name").and_then(Value::as_str)
            && !names.insert(name.to_string())
        {
            let msg = "Option names must be unique";
            errs.add(
                &path(&at, &["name"]),
                form_error("APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", msg),
            );
        }
        let required = opt
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if required && seen_optional {
            let msg = "Required options must be placed before non-required options";
            errs.add(
                &path(&at, &["required"]),
                form_error("APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", msg),
            );
        }
        seen_optional |= !required && !matches!(kind, Some(1 | 2));
        size += len(opt.get("name")) + len(opt.get("description"));
        let choices = opt
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
        if !choices.is_empty() && opt.get("autocomplete").and_then(Value::as_bool) == Some(true) {
            let msg = "Autocomplete cannot be set on options with choices";
            errs.add(
                &path(&at, &["autocomplete"]),
                form_error("APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES", msg),
            );
        }
        for (k, choice) in choices.iter().enumerate().take(25) {
            let at = path(&at, &["choices", &k.to_string()]);
            bad_len(errs, path(&at, &["name"]), choice.get("name"), 1, 100);
            if choice.get("value").is_some_and(Value::is_string) {
                bad_len(errs, path(&at, &["value"]), choice.get("value"), 1, 100);
            }
            size += len(choice.get("name")) + len(choice.get("value"));
        }
        let sub = opt
            .get("options")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        size += check_options(errs, &path(&at, &["options"]), sub);
    }
    size
}

/// Discord's locales, the only keys a localization dictionary takes.
pub(super) const LOCALES: [&str; 32] = [
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// `name_localizations` and `description_localizations` of a command or an option:
/// null or absent, or an object of Discord locales to valid values.
fn check_localizations(errs: &mut Errors, at: &[String], item: &Value) {
    for field in ["name_localizations", "description_localizations"] {
        let here = path(at, &[field]);
        let map = match item.get(field) {
            None | Some(Value::Null) => continue,
            Some(Value::Object(map)) => map,
            Some(_) => {
                let msg = "Only dictionaries may be used in a DictType";
                errs.add(&here, form_error("DICT_TYPE_CONVERT", msg));
                continue;
            }
        };
        for (locale, value) in map {
            let at = path(&here, &[locale]);
            if !LOCALES.contains(&locale.as_str()) {
                let msg = format!("Value must be one of {LOCALES:?}.");
                errs.add(&at, form_error("BASE_TYPE_CHOICES", &msg));
            } else if field == "name_localizations" {
                check_name(errs, at, Some(value));
            } else {
                bad_len(errs, at, Some(value), 1, 100);
            }
        }
    }
}
