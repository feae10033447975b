//! "Is there English left on this page?": the words a person reads on an HTML page
//! (its text, and the attributes shown on hover or read aloud), less what the page
//! marks as not its own to translate, checked against an allow-list.
//!
//! Skipped: `translate="no"` elements (outside text: a Hub error message, log
//! evidence, a hardware flavor, a person's id), `.stored` elements (English spacewarden
//! stored before it spoke through message ids: a cause's summary; resolutions and
//! action details are read in the page's language now) and the `.flash` (the command core's reply). Those two
//! shrink as chat, alerts and the monitor move to message ids. Built to take more
//! pages later (`/status`, every alert kind rendered as HTML): pass the HTML and the
//! words that are names on that page.

/// Words that are the same in every language: product names, units, abbreviations.
pub const ALWAYS_ALLOWED: &[&str] = &[
    "Hugging",
    "Face",
    "Space",
    "spacewarden",
    "CPU",
    "GPU",
    "UTC", // names
    "s",
    "min",
    "h",
    "d",
    "ms",
    "B",
    "KiB",
    "MiB",
    "GiB",
    "kB",
    "MB", // units
    // The language switch names each language in itself.
    "English",
];

/// Attributes a person sees (tooltip, placeholder, the theme button's labels) or
/// hears (aria-label).
const SHOWN_ATTRIBUTES: &[&str] = &[
    "title",
    "aria-label",
    "placeholder",
    "alt",
    "data-tip",
    "data-label",
    "data-label-system",
    "data-label-light",
    "data-label-dark",
    "data-label-click",
    "data-live-title",
    "data-live-label",
    "data-msg-connecting",
    "data-msg-retrying",
    "data-msg-unavailable",
    "data-msg-busy",
];

const VOID: &[&str] = &["input", "meta", "link", "br", "img", "hr", "!doctype"];

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `(name, value)` of each attribute of a tag's inside (`a href="/x" title="y"`).
fn attributes(inside: &str) -> Vec<(String, String)> {
    let pattern = regex::Regex::new(r#"([a-zA-Z-]+)(?:="([^"]*)")?"#).unwrap();
    pattern
        .captures_iter(inside)
        .skip(1)
        .map(|c| {
            (
                c[1].to_ascii_lowercase(),
                c.get(2).map_or("", |m| m.as_str()).to_owned(),
            )
        })
        .collect()
}

/// The text a person reads on `html`, with the skipped parts left out.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    // Open elements: (name, skipped).
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let skipping = stack.iter().any(|(_, skip)| *skip);
        if !skipping {
            out.push_str(&decode(&rest[..open]));
            out.push(' ');
        }
        let close = rest[open..].find('>').map_or(rest.len(), |i| open + i);
        let inside = &rest[open + 1..close];
        rest = &rest[(close + 1).min(rest.len())..];
        if let Some(name) = inside.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(at) = stack.iter().rposition(|(open, _)| *open == name) {
                stack.truncate(at);
            }
            continue;
        }
        let name = inside
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if name == "script" || name == "style" {
            let end = format!("</{name}>");
            rest = rest.find(&end).map_or("", |i| &rest[i + end.len()..]);
            continue;
        }
        let attrs = attributes(inside);
        let skip = attrs.iter().any(|(k, v)| {
            (k == "translate" && v == "no")
                || (k == "class" && v.split(' ').any(|c| c == "stored" || c == "flash"))
        });
        if !skipping && !skip {
            for (key, value) in &attrs {
                if SHOWN_ATTRIBUTES.contains(&key.as_str()) {
                    out.push_str(&decode(value));
                    out.push(' ');
                }
            }
        }
        if !VOID.contains(&name.as_str()) && !inside.ends_with('/') {
            stack.push((name, skip));
        }
    }
    out.push_str(&decode(rest));
    out
}

/// The English-looking words of `html`'s visible text that are neither always allowed
/// nor among `names` (Space names, stage names: their parts split at `/`, `-`, `_`).
pub fn stray_english(html: &str, names: &[&str]) -> Vec<String> {
    let allowed: Vec<&str> = names
        .iter()
        .flat_map(|n| n.split(['/', '-', '_', '.']))
        .chain(ALWAYS_ALLOWED.iter().copied())
        .collect();
    let word = regex::Regex::new(r"[A-Za-z][A-Za-z']*").unwrap();
    let mut stray: Vec<String> = word
        .find_iter(&visible_text(html))
        .map(|m| m.as_str().to_owned())
        .filter(|w| !allowed.contains(&w.as_str()))
        .collect();
    stray.dedup();
    stray
}

#[test]
fn the_scanner_skips_what_it_should() {
    let html = r#"<html><head><title>Status · spacewarden</title><style>a{}</style></head>
        <body><p title="Hello">你好 <span translate="no">Hub error text</span>
        <td class="wrap stored">back to up</td><input placeholder="Filter"></p>
        <script>var x = "nope";</script><i data-tip="Nov 22: no data"></i></body></html>"#;
    assert_eq!(
        stray_english(html, &[]),
        vec!["Status", "Hello", "Filter", "Nov", "no", "data"]
    );
}
