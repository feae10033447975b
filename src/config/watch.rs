//! The watch list and the tokens: `SPACES`, or when it is unset the owners named in
//! `HF_USER` and `HF_USERNAMES` (each watched whole, as the Node dashboard and the
//! Cloudflare manager watched them); plus `SPACE_LIST` under `USERNAME` (the Python
//! monitor) and `REPO_ID` (the keep-alive workflow), each added to the list. Every
//! entry keeps the variable that named it, for the startup log and `doctor`.

use std::collections::BTreeMap;

use secrecy::SecretString;

use super::origins::Reader;
use super::{ConfigError, Sentence, err, split_list};
use crate::domain::{SpaceId, SpaceIdError, WatchTarget};

/// The watch list, each entry once, in order.
pub(super) fn read_watch(r: &Reader) -> Result<Vec<WatchTarget>, ConfigError> {
    let mut list: Vec<(WatchTarget, &'static str)> = Vec::new();
    let mut push = |target: WatchTarget, from: &'static str| {
        if !list.iter().any(|(t, _)| *t == target) {
            list.push((target, from));
        }
    };
    if let Some(spaces) = r.var("SPACES") {
        for entry in split_list(Some(&spaces)) {
            push(parse("SPACES", entry)?, "SPACES");
        }
        if r.var("HF_USERNAMES").is_some() {
            r.alias("HF_USERNAMES", "SPACES", true);
        }
    } else {
        // The older tools watched every Space of the owners they had: so does this, until
        // SPACES says otherwise.
        for key in ["HF_USER", "HF_USERNAMES"] {
            let owners = r.var(key);
            for owner in split_list(owners.as_deref()) {
                let owner = owner.split_once(':').map_or(owner, |(o, _)| o).trim();
                push(parse(key, &format!("{owner}/*"))?, key);
                r.alias(key, "SPACES", false);
            }
        }
    }
    let username = r.var("USERNAME");
    for entry in split_list(r.var("SPACE_LIST").as_deref()) {
        push(space_list_entry(entry, username.as_deref())?, "SPACE_LIST");
        r.alias("SPACE_LIST", "SPACES", false);
    }
    if let Some(repo) = r.var("REPO_ID") {
        let id = SpaceId::parse(&repo).map_err(|e| err("REPO_ID", bad_entry(&e)))?;
        push(WatchTarget::Space(id), "REPO_ID");
        r.alias("REPO_ID", "SPACES", false);
    }
    let targets = list.iter().map(|(t, _)| t.clone()).collect();
    r.with(|origins| origins.watch = list);
    Ok(targets)
}

fn parse(key: &'static str, entry: &str) -> Result<WatchTarget, ConfigError> {
    WatchTarget::parse(entry).map_err(|e| err(key, bad_entry(&e)))
}

/// A watch-list entry that is no Space or owner: the domain's own sentence, which
/// quotes the entry, framed by `config-bad-entry`.
fn bad_entry(why: &SpaceIdError) -> Sentence {
    Sentence::new("config-bad-entry").part("why", why.sentence().clone())
}

/// A `SPACE_LIST` entry: `owner/name`, or a bare name under `USERNAME`.
fn space_list_entry(entry: &str, username: Option<&str>) -> Result<WatchTarget, ConfigError> {
    let full = if entry.contains('/') {
        entry.to_owned()
    } else {
        let owner = username.ok_or_else(|| {
            err(
                "SPACE_LIST",
                Sentence::new("config-no-owner").text("value", entry),
            )
        })?;
        format!("{owner}/{entry}")
    };
    parse("SPACE_LIST", &full)
}

/// `SPACES` (owner/name or owner/*; `spaces_key` names where it came from) plus
/// `SPACE_LIST` whose bare names get `USERNAME` (the fuzz tests' entrance).
pub(crate) fn watch_list(
    spaces: Option<String>,
    spaces_key: &'static str,
    space_list: Option<String>,
    username: Option<String>,
) -> Result<Vec<WatchTarget>, ConfigError> {
    let mut out: Vec<WatchTarget> = Vec::new();
    let mut push = |target: WatchTarget| {
        if !out.contains(&target) {
            out.push(target);
        }
    };
    for entry in split_list(spaces.as_deref()) {
        push(parse(spaces_key, entry)?);
    }
    for entry in split_list(space_list.as_deref()) {
        push(space_list_entry(entry, username.as_deref())?);
    }
    Ok(out)
}

/// `HF_USER`: `owner:token,owner2:token2`; an empty token means "use `HF_TOKEN`".
pub(crate) fn owner_tokens(
    text: Option<String>,
) -> Result<BTreeMap<String, Option<SecretString>>, ConfigError> {
    let mut out = BTreeMap::new();
    for (index, entry) in split_list(text.as_deref()).enumerate() {
        // Never quote the entry: without its ':' it may be a bare token.
        let Some((owner, token)) = entry.split_once(':') else {
            return Err(err(
                "HF_USER",
                Sentence::new("config-hf-user-no-colon")
                    .number("entry", i64::try_from(index + 1).unwrap_or(i64::MAX)),
            ));
        };
        let owner = owner.trim();
        SpaceId::parse(&format!("{owner}/x")).map_err(|_| {
            err(
                "HF_USER",
                Sentence::new("config-not-an-owner").text("value", owner),
            )
        })?;
        let token = Some(token.trim())
            .filter(|t| !t.is_empty())
            .map(|t| SecretString::from(t.to_owned()));
        out.insert(owner.to_ascii_lowercase(), token);
    }
    Ok(out)
}
