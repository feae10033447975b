//! Message entities as the Bot API reports them: the kinds the fake
//! produces, tdlib's sort order, the JSON shape, and the `bot_command`
//! entities Telegram finds in what users type (tdlib's
//! `match_bot_commands`). Offsets and lengths are UTF-16 code units.

use serde_json::{Value, json};

/// A formatting entity, offsets in UTF-16 code units.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entity {
    pub(crate) kind: Kind,
    pub(crate) offset: i32,
    pub(crate) length: i32,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre,
    PreCode(String),
    TextUrl(String),
    CustomEmoji(i64),
    BlockQuote,
    ExpandableBlockQuote,
    BotCommand,
}

impl Kind {
    /// tdlib's `get_type_priority`: the tie-breaker when sorting.
    fn priority(&self) -> i32 {
        match self {
            Kind::BlockQuote | Kind::ExpandableBlockQuote => 0,
            Kind::PreCode(_) => 10,
            Kind::Pre => 11,
            Kind::Code => 20,
            Kind::TextUrl(_) => 49,
            Kind::BotCommand => 50,
            Kind::Bold => 90,
            Kind::Italic => 91,
            Kind::Underline => 92,
            Kind::Strikethrough => 93,
            Kind::Spoiler => 94,
            Kind::CustomEmoji(_) => 99,
        }
    }

    /// Entities that tdlib merges when they touch or overlap.
    pub(crate) fn is_splittable(&self) -> bool {
        matches!(
            self,
            Kind::Bold | Kind::Italic | Kind::Underline | Kind::Strikethrough | Kind::Spoiler
        )
    }
}

/// By offset, then longer first, then type priority (tdlib's order).
pub(crate) fn sort(entities: &mut [Entity]) {
    entities.sort_by(|a, b| {
        (a.offset, -a.length, a.kind.priority()).cmp(&(b.offset, -b.length, b.kind.priority()))
    });
}

/// The Bot API's JSON for entities.
pub(crate) fn to_json(entities: &[Entity]) -> Value {
    let items = entities.iter().map(|e| {
        let mut o = json!({ "offset": e.offset, "length": e.length });
        let (ty, extra) = match &e.kind {
            Kind::Bold => ("bold", None),
            Kind::Italic => ("italic", None),
            Kind::Underline => ("underline", None),
            Kind::Strikethrough => ("strikethrough", None),
            Kind::Spoiler => ("spoiler", None),
            Kind::Code => ("code", None),
            Kind::Pre => ("pre", None),
            Kind::PreCode(lang) => ("pre", Some(("language", json!(lang)))),
            Kind::TextUrl(url) => ("text_link", Some(("url", json!(url)))),
            Kind::CustomEmoji(id) => (
                "custom_emoji",
                Some(("custom_emoji_id", json!(id.to_string()))),
            ),
            Kind::BlockQuote => ("blockquote", None),
            Kind::ExpandableBlockQuote => ("expandable_blockquote", None),
            Kind::BotCommand => ("bot_command", None),
        };
        o["type"] = json!(ty);
        if let Some((k, v)) = extra {
            o[k] = v;
        }
        o
    });
    Value::Array(items.collect())
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `bot_command` entities, as tdlib's `match_bot_commands` finds them: a
/// `/` not preceded by a word character, `/` `<` or `>`; 1–64 of
/// `[A-Za-z0-9_]`; optionally `@` and a 3–32 character bot username; then
/// no word character, `/` `<` or `>`.
pub(crate) fn find_bot_commands(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    let mut utf16_at = Vec::with_capacity(chars.len() + 1);
    let mut off = 0i32;
    for c in &chars {
        utf16_at.push(off);
        off += c.len_utf16() as i32;
    }
    utf16_at.push(off);
    let ident = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    let blocks = |c: char| is_word_char(c) || matches!(c, '/' | '<' | '>');
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '/' || (i > 0 && blocks(chars[i - 1])) {
            continue;
        }
        let name_len = chars[i + 1..].iter().take_while(|c| ident(c)).count();
        if !(1..=64).contains(&name_len) {
            continue;
        }
        let mut end = i + 1 + name_len;
        if chars.get(end) == Some(&'@') {
            let bot_len = chars[end + 1..].iter().take_while(|c| ident(c)).count();
            if !(3..=32).contains(&bot_len) {
                continue;
            }
            end += 1 + bot_len;
        }
        if chars.get(end).is_some_and(|&n| blocks(n)) {
            continue;
        }
        found.push(Entity {
            kind: Kind::BotCommand,
            offset: utf16_at[i],
            length: utf16_at[end] - utf16_at[i],
        });
    }
    found
}
