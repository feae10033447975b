//! What each closing HTML tag becomes, following tdlib's `parse_html`:
//! the entity kind, how `<pre>` and `<code class="language-…">` combine
//! into one `pre` entity with a language, links that tdlib drops, and the
//! custom-emoji id check.

use super::entities::{Entity, Kind};
use super::html::Open;

/// A parsed entity plus the language a `<code>` carried, which only a
/// surrounding `<pre>` of the same span keeps (tdlib clears it otherwise).
pub(crate) struct Parsed {
    entity: Entity,
    code_lang: Option<String>,
}

pub(crate) fn close_entity(
    entities: &mut Vec<Parsed>,
    top: Open,
    utf16: i32,
    out: &[u8],
) -> Result<(), String> {
    let (offset, length) = (top.offset, utf16 - top.offset);
    let same_span = |p: &Parsed| p.entity.offset == offset && p.entity.length == length;
    let kind = match top.tag.as_str() {
        "i" | "em" => Kind::Italic,
        "b" | "strong" => Kind::Bold,
        "s" | "strike" | "del" => Kind::Strikethrough,
        "u" | "ins" => Kind::Underline,
        "tg-spoiler" | "span" => Kind::Spoiler,
        "tg-emoji" => match top.arg.parse::<i64>() {
            Ok(id) if id != 0 => Kind::CustomEmoji(id),
            _ => return Err("Invalid custom emoji identifier specified".into()),
        },
        // Date entities (Bot API 9.x) are not modelled; the text stays.
        "tg-time" => return Ok(()),
        "a" => {
            let url = if top.arg.is_empty() {
                String::from_utf8_lossy(&out[top.begin..]).to_string()
            } else {
                top.arg
            };
            match super::text::checked_link(&url) {
                Some(url) => Kind::TextUrl(url),
                // tdlib silently drops a link it cannot check.
                None => return Ok(()),
            }
        }
        "pre" => {
            if let Some(last) = entities.last_mut().filter(|p| same_span(p))
                && last.entity.kind == Kind::Code
                && let Some(lang) = last.code_lang.take()
            {
                last.entity.kind = Kind::PreCode(lang);
                return Ok(());
            }
            Kind::Pre
        }
        "code" => {
            if let Some(last) = entities.last_mut().filter(|p| same_span(p))
                && last.entity.kind == Kind::Pre
                && !top.arg.is_empty()
            {
                last.entity.kind = Kind::PreCode(top.arg);
                return Ok(());
            }
            let lang = Some(top.arg).filter(|a| !a.is_empty());
            entities.push(Parsed {
                entity: Entity {
                    kind: Kind::Code,
                    offset,
                    length,
                },
                code_lang: lang,
            });
            return Ok(());
        }
        "blockquote" if !top.arg.is_empty() => Kind::ExpandableBlockQuote,
        "blockquote" => Kind::BlockQuote,
        other => unreachable!("tag {other} passed the allow-list"),
    };
    entities.push(Parsed {
        entity: Entity {
            kind,
            offset,
            length,
        },
        code_lang: None,
    });
    Ok(())
}

/// Code spans inside a pre block are not kept: a pre cannot hold other
/// monospace entities (`<pre><code>x</code></pre>` is one "pre").
pub(crate) fn drop_code_in_pre(parsed: Vec<Parsed>) -> Vec<Entity> {
    let pres: Vec<(i32, i32)> = parsed
        .iter()
        .filter(|p| matches!(p.entity.kind, Kind::Pre | Kind::PreCode(_)))
        .map(|p| (p.entity.offset, p.entity.offset + p.entity.length))
        .collect();
    parsed
        .into_iter()
        .map(|p| p.entity)
        .filter(|e| {
            e.kind != Kind::Code
                || !pres
                    .iter()
                    .any(|&(a, b)| a <= e.offset && e.offset + e.length <= b)
        })
        .collect()
}
