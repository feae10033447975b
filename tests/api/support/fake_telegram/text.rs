//! Turning a `text` argument into what Telegram stores: `parse_mode`
//! handling, then tdlib's `fix_formatted_text` as it applies to bot
//! messages (control characters become spaces, `\r` and bidi marks vanish,
//! leading and trailing spaces and newlines are trimmed, touching entities
//! of one kind merge), and the 4096 UTF-16 code unit limit. Also the link
//! check behind `<a href>`.

use super::entities::{Entity, sort};
use super::reply::ApiError;

/// Longest message text, in UTF-16 code units after entity parsing.
pub(crate) const MAX_TEXT_UTF16: usize = 4096;

pub(crate) fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The `parse_mode` argument, lowercased as the server reads it.
pub(crate) fn parse(raw: &str, parse_mode: &str) -> Result<(String, Vec<Entity>), ApiError> {
    match parse_mode.to_ascii_lowercase().as_str() {
        // Manual `entities` are not modelled: the text is kept as plain text.
        "" | "none" => Ok((raw.to_string(), Vec::new())),
        "html" => super::html::parse(raw)
            .map_err(|msg| ApiError::bad(format!("can't parse entities: {msg}"))),
        // The bot formats with HTML (chat-platforms.md); accepting Markdown
        // unparsed would hide escaping bugs, so refuse loudly instead.
        mode @ ("markdown" | "markdownv2") => Err(ApiError::bad(format!(
            "fake_telegram does not emulate parse_mode {mode}; send HTML"
        ))),
        _ => Err(ApiError::bad("unsupported parse_mode")),
    }
}

/// Cleans and trims parsed text; "text must be non-empty" when nothing but
/// spaces and newlines is left.
pub(crate) fn fix(text: &str, entities: Vec<Entity>) -> Result<(String, Vec<Entity>), ApiError> {
    let (cleaned, mut entities) = clean(text, entities);
    let mut pos = 0i32;
    let mut last: Option<(usize, i32)> = None; // (byte end, utf16 end) of last non-space
    for (i, c) in cleaned.char_indices() {
        pos += c.len_utf16() as i32;
        if c != ' ' && c != '\n' {
            last = Some((i + c.len_utf8(), pos));
        }
    }
    let Some((byte_end, utf16_end)) = last else {
        return Err(ApiError::bad("text must be non-empty"));
    };
    let mut text = cleaned[..byte_end].to_string();
    entities.retain(|e| e.offset < utf16_end);
    for e in &mut entities {
        e.length = e.length.min(utf16_end - e.offset);
    }
    // Leading spaces and newlines go, but only up to the first entity.
    let first_entity = entities.iter().map(|e| e.offset).min().unwrap_or(i32::MAX);
    let lead = text
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\n')
        .count()
        .min(usize::try_from(first_entity).unwrap_or(usize::MAX));
    if lead > 0 {
        text.drain(..lead);
        for e in &mut entities {
            e.offset -= lead as i32;
        }
    }
    Ok((text, merge_touching(entities)))
}

/// "message is too long" past 4096 UTF-16 code units.
pub(crate) fn check_length(text: &str) -> Result<(), ApiError> {
    if utf16_len(text) > MAX_TEXT_UTF16 {
        return Err(ApiError::bad("message is too long"));
    }
    Ok(())
}

/// tdlib's `clean_input_string_with_entities`, with entities remapped over
/// removed characters.
fn clean(text: &str, entities: Vec<Entity>) -> (String, Vec<Entity>) {
    let mut out = String::with_capacity(text.len());
    let mut map: Vec<i32> = Vec::with_capacity(text.len() + 1);
    let mut new_off = 0i32;
    for c in text.chars() {
        for _ in 0..c.len_utf16() {
            map.push(new_off);
        }
        match c {
            '\r' | '\u{2028}'..='\u{202e}' | '\u{0333}' | '\u{033f}' | '\u{030a}' => {}
            c if (c as u32) < 32 && c != '\n' => {
                out.push(' ');
                new_off += 1;
            }
            c => {
                out.push(c);
                new_off += c.len_utf16() as i32;
            }
        }
    }
    map.push(new_off);
    let at = |off: i32| map[usize::try_from(off).unwrap_or(0).min(map.len() - 1)];
    let entities = entities
        .into_iter()
        .filter_map(|e| {
            let (start, end) = (at(e.offset), at(e.offset + e.length));
            (end > start).then_some(Entity {
                offset: start,
                length: end - start,
                ..e
            })
        })
        .collect();
    (out, entities)
}

/// Bold next to or over bold becomes one bold entity, and so on for the
/// other splittable kinds, as tdlib's `fix_entities` does.
fn merge_touching(mut entities: Vec<Entity>) -> Vec<Entity> {
    sort(&mut entities);
    let mut merged: Vec<Entity> = Vec::with_capacity(entities.len());
    for e in entities {
        let prev = merged
            .iter_mut()
            .rev()
            .find(|p| p.kind == e.kind && e.kind.is_splittable());
        match prev {
            Some(p) if e.offset <= p.offset + p.length => {
                p.length = p.length.max(e.offset + e.length - p.offset);
            }
            _ => merged.push(e),
        }
    }
    sort(&mut merged);
    merged
}

/// An approximation of tdlib's `LinkManager::get_checked_link` for
/// `<a href>`: http(s) links need a plausible host and get a "/" path when
/// they have none; `tg:` and `ton:` links pass; a bare host gets "http://";
/// anything else is dropped (tdlib drops links it cannot check, no error).
pub(crate) fn checked_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("tg:") || lower.starts_with("ton:") {
        return Some(url.to_string());
    }
    let (scheme, rest) = match url.find("://") {
        Some(i) => (lower[..i].to_string(), &url[i + 3..]),
        None => ("http".to_string(), url),
    };
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        && (host.contains('.') || host.eq_ignore_ascii_case("localhost"));
    if !host_ok {
        return None;
    }
    let path = if path.is_empty() || path.starts_with(['?', '#']) {
        format!("/{path}")
    } else {
        path.to_string()
    };
    Some(format!("{scheme}://{authority}{path}"))
}
