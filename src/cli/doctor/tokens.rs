//! Each watched owner's token: the variable it came from (never the token), what the
//! Hub's `whoami` says of it, and whether it can restart that owner's Spaces (its
//! role, and whether the owner is its user or one of its organizations: the Hub
//! refuses a restart by anyone else). One `whoami` per distinct token: the endpoint
//! is tightly rate-limited.

use std::collections::BTreeMap;

use super::report::Report;
use crate::cli::lang::lang;
use crate::config::{Config, Sentence};
use crate::hub::{Hub, HubClient, HubError, WhoAmI, credential_key};
use crate::monitor::{Severity, TokenVerdict};

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-tokens");
    let mut owners: Vec<&str> = config.watch.iter().map(|t| t.owner()).collect();
    owners.sort_by_key(|o| o.to_ascii_lowercase());
    owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if owners.is_empty() {
        report.info(Sentence::new("doctor-no-owner"));
        return;
    }
    let hub = match HubClient::for_config(config) {
        Ok(hub) => hub,
        Err(e) => {
            // The summary is the hub module's sentence, English until it has ids.
            report.problem(Sentence::new("doctor-hub-client").text("why", e.summary()));
            return;
        }
    };
    let mut answers: BTreeMap<u64, Result<WhoAmI, HubError>> = BTreeMap::new();
    for owner in owners {
        let (Some(token), Some(from)) = (config.token_for(owner), config.token_source(owner))
        else {
            let verdict = TokenVerdict::judge(owner, None);
            let judged = verdict.sentence_in(lang(), owner);
            let line = Sentence::new("doctor-token-line")
                .text("owner", owner)
                .text("verdict", judged);
            print(report, &verdict, line);
            continue;
        };
        let key = credential_key(Some(token));
        if let std::collections::btree_map::Entry::Vacant(slot) = answers.entry(key) {
            slot.insert(hub.whoami(token).await);
        }
        let answer = &answers[&key];
        let verdict = TokenVerdict::judge(owner, Some(answer));
        // What whoami said, before the judgment of it (never the token itself).
        let seen = match answer {
            Ok(me) => Sentence::new("doctor-token-whoami")
                .text("name", &me.name)
                .part("kind", kind(&me.kind))
                .part("role", role(me.token_role.as_deref())),
            Err(_) => Sentence::new("doctor-token-unasked"),
        };
        let line = Sentence::new("doctor-token-seen")
            .text("owner", owner)
            .text("from", from)
            .part("seen", seen)
            .text("verdict", verdict.sentence_in(lang(), owner));
        print(report, &verdict, line);
    }
}

/// What whoami calls the account: a user or an organization; another word as it came.
fn kind(kind: &str) -> Sentence {
    match kind {
        "user" => Sentence::new("doctor-kind-user"),
        "org" => Sentence::new("doctor-kind-org"),
        other => Sentence::new("config-outside").text("text", other),
    }
}

/// The token's role as the Hub names it (`read`, `write`, `fineGrained`: codes).
fn role(role: Option<&str>) -> Sentence {
    match role {
        Some(role) => Sentence::new("config-outside").text("text", role),
        None => Sentence::new("doctor-role-unknown"),
    }
}

/// One owner's line, marked by what the shared judgment says it means for doctor.
fn print(report: &mut Report, verdict: &TokenVerdict, line: Sentence) {
    match verdict.severity(Severity::Warning) {
        Severity::Fine => report.ok(line),
        Severity::Warning => report.warn(line),
        Severity::Problem => report.problem(line),
    }
}
