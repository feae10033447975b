//! Discord's message limits (content, embeds, components) checked the way
//! the API does: every violation lands in a 50035 `errors` tree keyed by the
//! JSON path (`embeds.0.fields.3.value._errors`), and an empty message is
//! 50006. Interaction callbacks nest the same tree under `data`.
//!
//! Lengths count Unicode scalar values (`chars()`); Discord's docs say
//! "characters" without defining them further.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::reply::{Reply, form_error};

/// An `errors` tree under construction.
#[derive(Default)]
pub(super) struct Errors(Map<String, Value>);

impl Errors {
    pub fn add(&mut self, path: &[String], err: Value) {
        let mut node = &mut self.0;
        for key in path {
            node = node
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("errors tree nodes are objects");
        }
        let list = node
            .entry("_errors")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(err);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_reply(self) -> Result<(), Reply> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Reply::invalid_form(Value::Object(self.0)))
        }
    }
}

pub(super) fn path(prefix: &[String], rest: &[&str]) -> Vec<String> {
    let mut p = prefix.to_vec();
    p.extend(rest.iter().map(|s| s.to_string()));
    p
}

pub(super) fn len(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

pub(super) fn max_len(errs: &mut Errors, at: Vec<String>, v: Option<&Value>, max: usize) {
    if len(v) > max {
        let msg = format!("Must be {max} or fewer in length.");
        errs.add(&at, form_error("BASE_TYPE_MAX_LENGTH", msg));
    }
}

/// A required string of `min..=max` characters.
pub(super) fn bad_len(
    errs: &mut Errors,
    at: Vec<String>,
    v: Option<&Value>,
    min: usize,
    max: usize,
) {
    match v.and_then(Value::as_str) {
        None => errs.add(
            &at,
            form_error("BASE_TYPE_REQUIRED", "This field is required"),
        ),
        Some(s) if !(min..=max).contains(&s.chars().count()) => {
            let msg = format!("Must be between {min} and {max} in length.");
            errs.add(&at, form_error("BASE_TYPE_BAD_LENGTH", msg));
        }
        Some(_) => {}
    }
}

fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Checks a message body (create, edit, callback `data`, webhook). `prefix`
/// is `[]` for REST bodies and `["data"]` for interaction callbacks.
pub(super) fn check_message(body: &Value, prefix: &[String]) -> Result<(), Reply> {
    let mut errs = Errors::default();
    max_len(
        &mut errs,
        path(prefix, &["content"]),
        body.get("content"),
        2000,
    );
    check_embeds(&mut errs, prefix, array(body.get("embeds")));
    check_components(&mut errs, prefix, array(body.get("components")));
    errs.into_reply()
}

/// A new message needs content, an embed, a sticker, a file or a poll;
/// components alone do not count.
pub(super) fn is_empty_message(body: &Value) -> bool {
    len(body.get("content")) == 0
        && array(body.get("embeds")).is_empty()
        && array(body.get("sticker_ids")).is_empty()
        && array(body.get("attachments")).is_empty()
        && body.get("poll").is_none_or(Value::is_null)
}

fn check_embeds(errs: &mut Errors, prefix: &[String], embeds: &[Value]) {
    if embeds.len() > 10 {
        let msg = "Must be 10 or fewer in length.";
        errs.add(
            &path(prefix, &["embeds"]),
            form_error("BASE_TYPE_MAX_LENGTH", msg),
        );
        return;
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let i = i.to_string();
        let at = |rest: &[&str]| path(prefix, &[&["embeds", i.as_str()], rest].concat());
        max_len(errs, at(&["title"]), e.get("title"), 256);
        max_len(errs, at(&["description"]), e.get("description"), 4096);
        if let Some(footer) = e.get("footer").filter(|f| f.is_object()) {
            bad_len(errs, at(&["footer", "text"]), footer.get("text"), 1, 2048);
            total += len(footer.get("text"));
        }
        if let Some(author) = e.get("author").filter(|a| a.is_object()) {
            bad_len(errs, at(&["author", "name"]), author.get("name"), 1, 256);
            total += len(author.get("name"));
        }
        if let Some(color) = e.get("color").and_then(Value::as_i64)
            && !(0..=0xFF_FFFF).contains(&color)
        {
            let msg = "int value should be less than or equal to 16777215.";
            errs.add(&at(&["color"]), form_error("NUMBER_TYPE_MAX", msg));
        }
        let fields = array(e.get("fields"));
        if fields.len() > 25 {
            let msg = "Must be 25 or fewer in length.";
            errs.add(&at(&["fields"]), form_error("BASE_TYPE_MAX_LENGTH", msg));
        }
        for (j, f) in fields.iter().enumerate().take(25) {
            let j = j.to_string();
            bad_len(errs, at(&["fields", &j, "name"]), f.get("name"), 1, 256);
            bad_len(errs, at(&["fields", &j, "value"]), f.get("value"), 1, 1024);
            total += len(f.get("name")) + len(f.get("value"));
        }
        total += len(e.get("title")) + len(e.get("description"));
    }
    if total > 6000 {
        let msg = "Embed size exceeds maximum size of 6000";
        errs.add(
            &path(prefix, &["embeds"]),
            form_error("MAX_EMBED_SIZE_EXCEEDED", msg),
        );
    }
}

fn check_components(errs: &mut Errors, prefix: &[String], rows: &[Value]) {
    if rows.len() > 5 {
        let msg = "Must be 5 or fewer in length.";
        errs.add(
            &path(prefix, &["components"]),
            form_error("BASE_TYPE_MAX_LENGTH", msg),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let i = i.to_string();
        let at = |rest: &[&str]| path(prefix, &[&["components", i.as_str()], rest].concat());
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            let msg = "The specified component type is invalid in this context";
            errs.add(&at(&["type"]), form_error("COMPONENT_TYPE_INVALID", msg));
            continue;
        }
        let items = array(row.get("components"));
        if items.is_empty() || items.len() > 5 {
            let msg = "Must be between 1 and 5 in length.";
            errs.add(
                &at(&["components"]),
                form_error("BASE_TYPE_BAD_LENGTH", msg),
            );
            continue;
        }
        let has_select = items
            .iter()
            .any(|c| c.get("type").and_then(Value::as_u64) != Some(2));
        if has_select && items.len() > 1 {
            let msg = "The specified component exceeds the maximum width";
            errs.add(
                &at(&["components", "1"]),
                form_error("COMPONENT_LAYOUT_WIDTH_EXCEEDED", msg),
            );
            continue;
        }
        for (j, c) in items.iter().enumerate() {
            let j = j.to_string();
            check_component(errs, &at(&["components", &j]), c, &mut seen);
        }
    }
}

fn check_component(errs: &mut Errors, at: &[String], c: &Value, seen: &mut HashSet<String>) {
    let kind = c.get("type").and_then(Value::as_u64).unwrap_or(0);
    let style = c.get("style").and_then(Value::as_u64).unwrap_or(0);
    let sub = |k: &str| path(at, &[k]);
    match kind {
        2 if style == 5 => {
            if c.get("custom_id").is_some_and(|v| !v.is_null()) {
                let msg = "A custom id and url cannot both be specified";
                errs.add(
                    &sub("custom_id"),
                    form_error("BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID", msg),
                );
            }
            max_len(errs, sub("url"), c.get("url"), 512);
            max_len(errs, sub("label"), c.get("label"), 80);
        }
        2 => {
            if !(1..=6).contains(&style) {
                let msg = "Value must be one of {1, 2, 3, 4, 5, 6}.";
                errs.add(&sub("style"), form_error("BASE_TYPE_CHOICES", msg));
            }
            max_len(errs, sub("label"), c.get("label"), 80);
            check_custom_id(errs, &sub("custom_id"), c.get("custom_id"), seen);
        }
        3 | 5..=8 => {
            check_custom_id(errs, &sub("custom_id"), c.get("custom_id"), seen);
            max_len(errs, sub("placeholder"), c.get("placeholder"), 150);
            if kind == 3 {
                let n = array(c.get("options")).len();
                if !(1..=25).contains(&n) {
                    let msg = "Must be between 1 and 25 in length.";
                    errs.add(&sub("options"), form_error("BASE_TYPE_BAD_LENGTH", msg));
                }
            }
        }
        _ => {
            let msg = "The specified component type is invalid in this context";
            errs.add(&sub("type"), form_error("COMPONENT_TYPE_INVALID", msg));
        }
    }
}

fn check_custom_id(
    errs: &mut Errors,
    at: &[String],
    v: Option<&Value>,
    seen: &mut HashSet<String>,
) {
    match v.and_then(Value::as_str) {
        None => {
            let msg = "A custom id is required";
            errs.add(at, form_error("BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", msg));
        }
        Some(id) => {
            bad_len(errs, at.to_vec(), v, 1, 100);
            if !seen.insert(id.to_string()) {
                let msg = "Component custom id cannot be duplicated";
                errs.add(at, form_error("COMPONENT_CUSTOM_ID_DUPLICATED", msg));
            }
        }
    }
}
