//! Hygiene for text that came from outside (Hub error messages, log lines, stages,
//! ids in a listing): one pure place that makes it safe to print, and that defuses
//! chat mentions for destinations that would ping on them.
//!
//! Control characters are never passed on: an `ESC` in a Hub `errorMessage` would
//! otherwise recolour or retitle the terminal that tails our stdout (`\x1b[31m`,
//! `\x1b]0;…\x07`). They become their visible Unicode "control picture" (`␛`, `␇`),
//! so a reader still sees that something was there. Bidirectional overrides (the
//! "Trojan Source" characters) become U+FFFD: they reorder what a reader sees.
//! Cleaning and defusing are idempotent, so text cleaned where it entered can be
//! cleaned again on render without changing; `slack_safe` escapes, so it runs once,
//! at the render for its destination.

/// Text meant for one line: every control character, line breaks included, replaced.
/// Whitespace controls (tab, CR, LF, VT, FF, NEL) become a plain space.
pub fn clean_line(text: &str) -> String {
    clean(text, false)
}

/// Text that may span lines (a log excerpt): like [`clean_line`], but `\n` stays and a
/// `\r\n` line end becomes `\n`.
pub fn clean_body(text: &str) -> String {
    clean(text, true)
}

/// Whether `text` holds anything [`clean_body`] would replace.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(|c| c != '\n' && replacement(c).is_some())
}

fn clean(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if keep_newlines && c == '\n' {
            out.push('\n');
        } else if keep_newlines && c == '\r' && chars.peek() == Some(&'\n') {
            // CRLF: the `\n` that follows ends the line.
        } else {
            match replacement(c) {
                Some(r) => out.push(r),
                None => out.push(c),
            }
        }
    }
    out
}

/// What a character becomes, or `None` when it may pass.
fn replacement(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' => Some(' '),
        // C0 controls: U+2400 + code is the control picture (`␛` for ESC, `␇` for BEL).
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32),
        '\u{7F}' => Some('\u{2421}'),
        // C1 controls (CSI `\u{9B}` is an escape sequence on its own for some terminals).
        '\u{80}'..='\u{9F}' => Some('\u{FFFD}'),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Mass mentions that chat platforms expand from plain text (`@everyone` and `@here`
/// on Discord, `@channel`, `@all` and `@here` on Mattermost and Rocket.Chat).
const MASS_MENTIONS: [&str; 4] = ["everyone", "here", "channel", "all"];

/// A zero-width space after `@` keeps the word readable but no longer a mention.
const ZWSP: char = '\u{200B}';

/// Defuses `@everyone`, `@here`, `@channel` and `@all` (any case) with a zero-width space
/// after the `@`. Other `@name`s are left alone: they ping one person at most.
pub fn defuse_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let word_end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        if MASS_MENTIONS
            .iter()
            .any(|m| rest[..word_end].eq_ignore_ascii_case(m))
        {
            out.push(ZWSP);
        }
    }
    out.push_str(rest);
    out
}

/// Text for Slack-compatible `text` fields (Slack, Mattermost, Rocket.Chat incoming
/// webhooks): Slack's own escaping of `&`, `<` and `>` (so `<!channel>` and
/// `<https://evil|click>` show as typed instead of pinging or hiding a link), then the
/// mass mentions the other platforms expand from plain `@words`.
pub fn slack_safe(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    defuse_mentions(&escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_become_visible_pictures() {
        assert_eq!(clean_line("\x1b[31mred\x1b[0m"), "␛[31mred␛[0m");
        assert_eq!(clean_line("\x1b]0;title\x07after"), "␛]0;title␇after");
        assert_eq!(clean_line("nul\0del\x7f"), "nul␀del␡");
        assert_eq!(clean_line("c1\u{9b}31m"), "c1\u{FFFD}31m");
        assert_eq!(clean_line("bidi\u{202E}txt.exe"), "bidi\u{FFFD}txt.exe");
    }

    #[test]
    fn line_breaks_stay_only_in_bodies() {
        assert_eq!(clean_line("a\nb\r\nc\td"), "a b  c d");
        assert_eq!(clean_body("a\nb\r\nc\rd\x1b"), "a\nb\nc d␛");
        assert!(is_clean("plain\nlines ✓ ünïcode"));
        assert!(!is_clean("\x1b[2J"));
    }

    #[test]
    fn cleaning_twice_changes_nothing() {
        let hostile = "\x1b[31m@everyone <!channel>\r\n\u{85}\x07";
        for clean in [clean_line, clean_body] {
            let once = clean(hostile);
            assert_eq!(clean(&once), once);
            assert!(is_clean(&once));
        }
    }

    #[test]
    fn mass_mentions_are_defused_and_names_kept() {
        assert_eq!(
            defuse_mentions("@everyone @Here @channel @all ping"),
            "@\u{200B}everyone @\u{200B}Here @\u{200B}channel @\u{200B}all ping"
        );
        assert_eq!(
            defuse_mentions("mail me@example.com, @alice"),
            "mail me@example.com, @alice"
        );
        assert_eq!(
            defuse_mentions("@everyones @here!"),
            "@everyones @\u{200B}here!"
        );
        assert_eq!(defuse_mentions("trailing @"), "trailing @");
        assert_eq!(defuse_mentions("ü@é@here"), "ü@é@\u{200B}here");
    }

    #[test]
    fn slack_text_shows_links_and_broadcasts_as_typed() {
        assert_eq!(
            slack_safe("<!channel> <https://evil|click> a & b @here"),
            "&lt;!channel&gt; &lt;https://evil|click&gt; a &amp; b @\u{200B}here"
        );
        // Our own words have none of these characters: they pass unchanged.
        assert_eq!(slack_safe("🔴 alice/app is down"), "🔴 alice/app is down");
    }
}
