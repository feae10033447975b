//! Each watched owner's token: the variable it came from (never the token), what the
//! Hub's `whoami` says of it, and whether it can restart that owner's Spaces (its
//! role, and whether the owner is its user or one of its organizations: the Hub
//! refuses a restart by anyone else). One `whoami` per distinct token: the endpoint
//! is tightly rate-limited.

use std::collections::BTreeMap;

use super::report::Report;
use crate::config::Config;
use crate::hub::{Hub, HubClient, HubError, WhoAmI, credential_key};
use crate::monitor::{Severity, TokenVerdict};

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-tokens");
    let mut owners: Vec<&str> = config.watch.iter().map(|t| t.owner()).collect();
    owners.sort_by_key(|o| o.to_ascii_lowercase());
    owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if owners.is_empty() {
        report.info("no owner to check");
        return;
    }
    let hub = match HubClient::for_config(config) {
        Ok(hub) => hub,
        Err(e) => {
            report.problem(format!("cannot build the Hub client: {}", e.summary()));
            return;
        }
    };
    let mut answers: BTreeMap<u64, Result<WhoAmI, HubError>> = BTreeMap::new();
    for owner in owners {
        let (Some(token), Some(from)) = (config.token_for(owner), config.token_source(owner))
        else {
            let verdict = TokenVerdict::judge(owner, None);
            print(
                report,
                &verdict,
                format!(
                    "{owner}: {}",
                    verdict.sentence_in(crate::cli::lang::lang(), owner)
                ),
            );
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
            Ok(me) => format!(
                "{owner}: token from {from}; whoami: {} ({}), role {}",
                me.name,
                me.kind,
                me.token_role.as_deref().unwrap_or("unknown")
            ),
            Err(_) => format!("{owner}: token from {from}"),
        };
        print(
            report,
            &verdict,
            format!(
                "{seen}: {}",
                verdict.sentence_in(crate::cli::lang::lang(), owner)
            ),
        );
    }
}

/// One owner's line, marked by what the shared judgment says it means for doctor.
fn print(report: &mut Report, verdict: &TokenVerdict, line: String) {
    match verdict.severity(Severity::Warning) {
        Severity::Fine => report.ok(line),
        Severity::Warning => report.warn(line),
        Severity::Problem => report.problem(line),
    }
}
