//! The one list of variable names spacewarden knows, its own and the older tools'
//! aliases, and the warning for a variable that looks like a typo of one of them
//! (`HF_USERS` for `HF_USER`): a misspelt name is otherwise silently unread.
//!
//! A new variable is one more line in [`KNOWN`], wherever it is read; the test
//! `every_variable_read_in_config_is_known` holds this list to what `config` reads.
//! Pure: the caller passes the names present and logs what comes back.

use super::Sentence;

/// Every name spacewarden, or a part of it being added beside this one, reads.
pub const KNOWN: &[&str] = &[
    // The Hub and the watch list.
    "HF_TOKEN",
    "HF_USER",
    "SPACES",
    "HF_ENDPOINT",
    "HF_SPACES_API_URL",
    "HF_APP_URL_TEMPLATE",
    "HF_TIMEOUT",
    "CHECK_SCHEDULE",
    "DATABASE_URL",
    "SPACEWARDEN_CONFIG",
    "GLOBAL_TIMEOUT_SECONDS",
    // The older tools' names (aliases).
    "HF_API_TOKEN",
    "HF_USERNAMES",
    "HF_USERNAME",
    "HF_PASSWORD",
    "SPACE_LIST",
    "USERNAME",
    "REPO_ID",
    "USER_NAME",
    "USER_PASSWORD",
    // Chat.
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "TELEGRAM_ADMIN_IDS",
    "TELEGRAM_CHAT_IDS",
    "DISCORD_BOT_TOKEN",
    "DISCORD_API_URL",
    "DISCORD_GUILD_ID",
    "DISCORD_ADMIN_IDS",
    "DISCORD_CHANNEL_IDS",
    // Alert destinations (DESIGN.md, "Alert destinations").
    "ALERT_WEBHOOK_URL",
    "DINGTALK_WEBHOOK_URL",
    "DINGTALK_SECRET",
    "DINGTALK_KEYWORD",
    "FEISHU_WEBHOOK_URL",
    "FEISHU_SECRET",
    "WECOM_WEBHOOK_URL",
    "SERVERCHAN_URL",
    "SERVERCHAN_SENDKEY",
    "PUSHPLUS_TOKEN",
    "PUSHPLUS_URL",
    "BARK_URL",
    "NTFY_URL",
    "NTFY_TOKEN",
    "GOTIFY_URL",
    "GOTIFY_TOKEN",
    "SLACK_WEBHOOK_URL",
    "SMTP_URL",
    "SMTP_CA_FILE",
    "ALERT_EMAIL_FROM",
    "ALERT_EMAIL_TO",
    // HTTP, the page and its sign-in.
    "API_KEY",
    "API_READ_KEY",
    "PORT",
    "WEB_USERNAME",
    "WEB_PASSWORD",
    "WEB_PASSWORD_HASH",
    "WEB_ADMINS",
    "WEB_VIEWERS",
    "WEB_PRIVATE",
    "WEB_LIVE_STREAMS",
    "TRUSTED_PROXIES",
    "TRUSTED_PROXY_HOPS",
    "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET",
    "OAUTH_SCOPES",
    "OPENID_PROVIDER_URL",
    "PUBLIC_URL",
    // Language, time, logs.
    "SPACEWARDEN_LANG",
    "TZ",
    "RUST_LOG",
    // Set by Hugging Face on a Space.
    "SPACE_HOST",
    "SPACE_ID",
];

/// Names set by the system, the shell, a container, CI or Hugging Face itself: never
/// judged, however close to a known name.
const SYSTEM: &[&str] = &[
    "PATH",
    "HOME",
    "LANG",
    "LANGUAGE",
    "TERM",
    "SHELL",
    "USER",
    "PWD",
    "OLDPWD",
    "HOSTNAME",
    "TMPDIR",
    "SPACE_AUTHOR_NAME",
    "SPACE_REPO_NAME",
    "SPACE_TITLE",
    "SPACE_CREATOR_USER_ID",
];
const SYSTEM_PREFIXES: &[&str] = &[
    "LC_", "XDG_", "SSH_", "CARGO_", "RUSTUP_", "GITHUB_", "RUNNER_", "DBUS_", "LD_",
];

/// One warning for each name in `present` that is not known but within edit distance
/// 1–2 of a known one, naming the likely intended variable.
pub fn typo_warnings<'a>(present: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    typo_sentences(present)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The typo warnings as sentences, for a person in any language (doctor).
pub fn typo_sentences<'a>(present: impl IntoIterator<Item = &'a str>) -> Vec<Sentence> {
    let mut out = Vec::new();
    for name in present {
        if !looks_like_ours(name) || KNOWN.contains(&name) {
            continue;
        }
        if let Some(meant) = likely_meant(name) {
            out.push((
                name,
                Sentence::new("config-warn-typo")
                    .text("name", name)
                    .text("meant", meant),
            ));
        }
    }
    out.sort_by_key(|(name, _)| *name);
    let out: Vec<Sentence> = out.into_iter().map(|(_, why)| why).collect();
    out
}

/// Upper case with an underscore, and not the system's: only those can be ours.
fn looks_like_ours(name: &str) -> bool {
    name.contains('_')
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !SYSTEM.contains(&name)
        && !SYSTEM_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The closest known name, when close enough. A short name allows one edit only:
/// two edits turn `PORT` into half the words of four letters.
fn likely_meant(name: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .map(|known| (distance(name, known), *known))
        .filter(|(d, known)| *d >= 1 && *d <= if known.len() < 6 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, known)| known)
}

/// Edit distance with adjacent transpositions (optimal string alignment), on bytes:
/// the names compared are ASCII.
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_names_the_intended_variable() {
        let found = typo_warnings(["HF_USERS", "HF_TOKNE", "TELEGRAM_BOT_TOKN"]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("HF_TOKNE ") && found[0].contains("HF_TOKEN?"));
        assert!(found[1].starts_with("HF_USERS ") && found[1].contains("HF_USER?"));
        assert!(found[2].contains("TELEGRAM_BOT_TOKEN?"), "{found:?}");
    }

    #[test]
    fn known_system_and_far_names_are_left_alone() {
        let quiet = typo_warnings([
            "HF_USERNAME",
            "HF_USERNAMES",
            "DINGTALK_WEBHOOK_URL",
            "SPACEWARDEN_LANG",
            "TZ",
            "LC_ALL",
            "PATH",
            "HOST",
            "SPACE_TITLE",
            "GITHUB_TOKEN",
            "MY_OWN_THING",
            "hf_users",
            "PORTS",
        ]);
        assert!(quiet.is_empty(), "{quiet:?}");
    }

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance("HF_USER", "HF_USER"), 0);
        assert_eq!(distance("HF_USERS", "HF_USER"), 1);
        assert_eq!(distance("HF_TOKNE", "HF_TOKEN"), 1);
        assert_eq!(distance("API_KYE_X", "API_KEY"), 3);
    }

    #[test]
    fn every_variable_read_in_config_is_known() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/config");
        let pattern = regex::Regex::new(r#"(?:var|secret|aliased)\("([A-Z0-9_]+)""#).unwrap();
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for caps in pattern.captures_iter(&text) {
                let name = &caps[1];
                seen += 1;
                assert!(KNOWN.contains(&name), "{name} ({path:?}) is not in KNOWN");
            }
        }
        assert!(seen > 30, "the pattern still finds the reads ({seen})");
    }
}
