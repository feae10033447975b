//! Telegram HTML: escaped text reads back as written, and every message a reply is
//! split into is balanced HTML (only our `<b>` and `<code>`, properly nested, only
//! the three entities) within Telegram's 4096 characters, counted in UTF-16 units as
//! Telegram counts entity offsets (an emoji is two).
#![no_main]

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::{
    Block, Reply, Severity, SpaceLine, TELEGRAM_MAX_MESSAGE, Verdict, telegram_escape,
    telegram_reply,
};

const TELEGRAM_LIMIT: usize = 4096;

// Input: the title on the first line, then one block per line: `t text`,
// `f name=value`, `s owner/name VERDICT_INDEX detail`, `c code line`; `r N` repeats
// the blocks N times (up to about 16 KB), so small inputs make replies long enough
// to split.
fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let title = lines.next().unwrap_or("");
    assert_eq!(unescape(&telegram_escape(title)), title);

    let severity = [
        Severity::Info,
        Severity::Good,
        Severity::Warning,
        Severity::Bad,
    ];
    let mut reply = Reply::new(severity[title.len() % 4], title);
    let mut blocks = Vec::new();
    let mut repeat = 1;
    for line in lines {
        let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
        let block = match kind {
            "t" => Block::Text(rest.replace('\\', "\n")),
            "f" => {
                let (name, value) = rest.split_once('=').unwrap_or((rest, ""));
                Block::Fields(vec![(name.into(), value.into())])
            }
            "s" => {
                let mut words = rest.splitn(3, ' ');
                let space = words.next().unwrap_or("").to_owned();
                let verdict = words
                    .next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                Block::Spaces(vec![SpaceLine {
                    space,
                    verdict: Verdict::ALL[verdict % Verdict::ALL.len()],
                    verdict_text: String::new(),
                    detail: words.next().unwrap_or("").to_owned(),
                }])
            }
            "c" => Block::Code(rest.split('\\').map(str::to_owned).collect()),
            "r" => {
                // About 16 KB at most: enough for four messages, and a long input
                // repeated 64 times made 60 inputs a second.
                let most = (16_384 / text.len().max(1)).clamp(1, 64);
                repeat = rest.trim().parse::<usize>().unwrap_or(1).min(most);
                continue;
            }
            _ => continue,
        };
        blocks.push(block);
    }
    for _ in 0..repeat {
        for block in &blocks {
            reply = reply.block(block.clone());
        }
    }

    for message in telegram_reply(&reply) {
        let html = &message.html;
        let units = html.encode_utf16().count();
        assert!(units <= TELEGRAM_LIMIT, "{units} UTF-16 units");
        assert!(
            units <= TELEGRAM_MAX_MESSAGE,
            "{units} UTF-16 units, over our margin"
        );
        if let Err(why) = balanced(html) {
            panic!("{why}: {html:?}");
        }
    }
});

/// Tags nest, every one is `b` or `code` and closed; `&` starts one of our three
/// entities; no stray `<` or `>`.
fn balanced(html: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '>', '&']) {
        let tail = &rest[i..];
        if tail.starts_with('>') {
            return Err("a stray >".into());
        }
        if tail.starts_with('&') {
            let entity = ["&lt;", "&gt;", "&amp;"]
                .into_iter()
                .find(|e| tail.starts_with(e))
                .ok_or("a bare &")?;
            rest = &tail[entity.len()..];
            continue;
        }
        let end = tail.find('>').ok_or("an unclosed <")?;
        let tag = &tail[1..end];
        match tag.strip_prefix('/') {
            Some(name) => {
                if open.pop() != Some(name) {
                    return Err(format!("</{name}> closes nothing"));
                }
            }
            None if matches!(tag, "b" | "code") => open.push(tag),
            None => return Err(format!("<{tag}> is not ours")),
        }
        rest = &tail[end + 1..];
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(format!("{open:?} left open"))
    }
}

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
