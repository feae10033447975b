//! Telegram's HTML `parse_mode`, ported from tdlib's `parse_html`
//! (td/telegram/MessageEntity.cpp), which the Bot API server runs: the same
//! tag set, attribute rules, entity decoding and error texts with byte
//! offsets. Note what the real parser does that a naive one would not: a
//! bare `&` that starts no known entity is kept as text (not an error), while
//! any bare `<` is an error. Entity offsets and lengths are UTF-16 code units.
//! Cleaning and trimming of the parsed text (tdlib's `fix_formatted_text`)
//! live in `text.rs`.

use super::entities::Entity;
use super::tags::{Parsed, close_entity, drop_code_in_pre};

const TAGS: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "tg-time",
    "span",
    "pre",
    "code",
    "blockquote",
];

pub(crate) struct Open {
    pub(crate) tag: String,
    pub(crate) arg: String,
    pub(crate) offset: i32,
    pub(crate) begin: usize,
}

/// The byte at `i`, or 0 past the end (tdlib reads a NUL-terminated string).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// tdlib's `is_space` includes NUL, which ends every scan at the end.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0b)
}

fn lower(s: &[u8]) -> String {
    String::from_utf8_lossy(s).to_ascii_lowercase()
}

/// Parses `src` as Telegram HTML into plain text and entities. `Err` holds
/// tdlib's message, which the server prefixes with "can't parse entities: ".
pub(crate) fn parse(src: &str) -> Result<(String, Vec<Entity>), String> {
    let s = src.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut utf16 = 0i32;
    let mut entities: Vec<Parsed> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'&'
            && let Some((code, next)) = decode_entity(s, i)
        {
            utf16 += if code > 0xffff { 2 } else { 1 };
            push_code_point(&mut out, code);
            i = next;
            continue;
        }
        if c != b'<' {
            if c & 0xc0 != 0x80 {
                utf16 += if c >= 0xf0 { 2 } else { 1 };
            }
            out.push(c);
            i += 1;
            continue;
        }
        let begin = i;
        i += 1;
        if at(s, i) != b'/' {
            while !is_space(at(s, i)) && at(s, i) != b'>' {
                i += 1;
            }
            if at(s, i) == 0 {
                return Err(format!("Unclosed start tag at byte offset {begin}"));
            }
            let tag = lower(&s[begin + 1..i]);
            if !TAGS.contains(&tag.as_str()) {
                return Err(format!(
                    "Unsupported start tag \"{tag}\" at byte offset {begin}"
                ));
            }
            let arg = parse_attributes(s, &mut i, &tag, begin)?;
            if tag == "span" && arg != "spoiler" {
                return Err(format!(
                    "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
                ));
            }
            open.push(Open {
                tag,
                arg,
                offset: utf16,
                begin: out.len(),
            });
        } else {
            if open.is_empty() {
                return Err(format!("Unexpected end tag at byte offset {begin}"));
            }
            while !is_space(at(s, i)) && at(s, i) != b'>' {
                i += 1;
            }
            let end_tag = lower(&s[begin + 2..i.min(s.len())]);
            while is_space(at(s, i)) && at(s, i) != 0 {
                i += 1;
            }
            if at(s, i) != b'>' {
                return Err(format!("Unclosed end tag at byte offset {begin}"));
            }
            let top = open.pop().expect("checked non-empty");
            if !end_tag.is_empty() && end_tag != top.tag {
                return Err(format!(
                    "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_tag}>\"",
                    top.tag
                ));
            }
            if utf16 > top.offset {
                close_entity(&mut entities, top, utf16, &out)?;
            }
        }
        i += 1; // the '>'
    }
    if let Some(top) = open.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            top.tag
        ));
    }
    let mut entities = drop_code_in_pre(entities);
    super::entities::sort(&mut entities);
    let text = String::from_utf8(out).map_err(|_| {
        "Text contains invalid Unicode characters after decoding HTML entities, check for \
         unmatched surrogate code units"
            .to_string()
    })?;
    Ok((text, entities))
}

/// The attributes of a start tag; `i` ends on its '>'. Returns the tag's
/// argument (href, language, spoiler class, emoji id, expandable flag).
fn parse_attributes(s: &[u8], i: &mut usize, tag: &str, begin: usize) -> Result<String, String> {
    let mut arg = String::new();
    while at(s, *i) != b'>' {
        while at(s, *i) != 0 && is_space(at(s, *i)) {
            *i += 1;
        }
        if at(s, *i) == b'>' {
            break;
        }
        let name_begin = *i;
        while !is_space(at(s, *i)) && !matches!(at(s, *i), b'=' | b'>' | b'/' | b'"' | b'\'') {
            *i += 1;
        }
        let name = String::from_utf8_lossy(&s[name_begin..*i]).to_string();
        if name.is_empty() {
            return Err(format!(
                "Empty attribute name in the tag \"{tag}\" at byte offset {begin}"
            ));
        }
        while at(s, *i) != 0 && is_space(at(s, *i)) {
            *i += 1;
        }
        if at(s, *i) != b'=' {
            if at(s, *i) == 0 {
                return Err(format!(
                    "Unclosed start tag \"{tag}\" at byte offset {begin}"
                ));
            }
            if tag == "blockquote" && name == "expandable" {
                arg = "1".into();
            }
            continue;
        }
        *i += 1;
        while at(s, *i) != 0 && is_space(at(s, *i)) {
            *i += 1;
        }
        if at(s, *i) == 0 {
            return Err(format!(
                "Unclosed start tag \"{tag}\" at byte offset {begin}"
            ));
        }
        let value = if at(s, *i) != b'\'' && at(s, *i) != b'"' {
            // A name token: letters, digits, periods, hyphens; case-insensitive.
            let token_begin = *i;
            while at(s, *i).is_ascii_alphanumeric() || matches!(at(s, *i), b'.' | b'-') {
                *i += 1;
            }
            if !is_space(at(s, *i)) && at(s, *i) != b'>' {
                return Err(format!(
                    "Unexpected end of name token at byte offset {token_begin}"
                ));
            }
            lower(&s[token_begin..*i])
        } else {
            let quote = at(s, *i);
            *i += 1;
            let mut v = Vec::new();
            while at(s, *i) != quote && at(s, *i) != 0 {
                if at(s, *i) == b'&'
                    && let Some((code, next)) = decode_entity(s, *i)
                {
                    push_code_point(&mut v, code);
                    *i = next;
                    continue;
                }
                v.push(at(s, *i));
                *i += 1;
            }
            if at(s, *i) == quote {
                *i += 1;
            }
            String::from_utf8_lossy(&v).to_string()
        };
        if at(s, *i) == 0 {
            return Err(format!("Unclosed start tag at byte offset {begin}"));
        }
        match (tag, name.as_str()) {
            ("a", "href") | ("tg-emoji", "emoji-id") | ("tg-time", "format") => arg = value,
            ("code", "class") if value.starts_with("language-") => arg = value[9..].to_string(),
            ("span", "class") if value.starts_with("tg-") => arg = value[3..].to_string(),
            ("blockquote", "expandable") => arg = "1".into(),
            _ => {}
        }
    }
    Ok(arg)
}

/// tdlib's `decode_html_entity`: `&lt; &gt; &amp; &quot;` and numeric
/// references, the `;` optional. `None` leaves the `&` as plain text.
fn decode_entity(s: &[u8], pos: usize) -> Option<(u32, usize)> {
    let mut end = pos + 1;
    let mut res: u64 = 0;
    if at(s, pos + 1) == b'#' {
        end += 1;
        if at(s, pos + 2) == b'x' {
            end += 1;
            while let Some(d) = (at(s, end) as char).to_digit(16) {
                res = (res * 16 + u64::from(d)).min(u64::from(u32::MAX));
                end += 1;
            }
        } else {
            while let Some(d) = (at(s, end) as char).to_digit(10) {
                res = (res * 10 + u64::from(d)).min(u64::from(u32::MAX));
                end += 1;
            }
        }
        if res == 0 || res >= 0x10ffff || end - pos >= 10 {
            return None;
        }
    } else {
        while at(s, end).is_ascii_alphabetic() {
            end += 1;
        }
        res = match &s[pos + 1..end] {
            b"lt" => u64::from(b'<'),
            b"gt" => u64::from(b'>'),
            b"amp" => u64::from(b'&'),
            b"quot" => u64::from(b'"'),
            _ => return None,
        };
    }
    if at(s, end) == b';' {
        end += 1;
    }
    Some((res as u32, end))
}

/// UTF-8 bytes of a code point, surrogates included (they make the final
/// text invalid UTF-8, which is then reported as tdlib does).
fn push_code_point(out: &mut Vec<u8>, code: u32) {
    match char::from_u32(code) {
        Some(ch) => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
        None => out.extend_from_slice(&[
            0xe0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3f) as u8,
            0x80 | (code & 0x3f) as u8,
        ]),
    }
}
