//! One page of `GET /api/spaces` into summaries, entry by entry. A listing with one
//! bad entry skips that entry, never the whole owner: an id the Hub sends that is not
//! a valid Space id (`alice/weird<script>`) must not unwatch alice's other Spaces,
//! crashed ones included. Each skipped id is logged once per process, cleaned, not on
//! every cycle.

use std::collections::HashSet;
use std::sync::Mutex;

use super::SpaceSummary;
use super::wire::SpaceWire;

/// Skipped ids remembered (so each is logged once); past this, the rest are still
/// skipped but no longer logged, so a hostile listing cannot grow memory.
const MAX_REMEMBERED: usize = 1_000;

/// The ids already logged as skipped, for the life of the process.
#[derive(Debug, Default)]
pub struct SkippedIds(Mutex<HashSet<String>>);

impl SkippedIds {
    /// Whether `raw` is new here (and should be logged); remembers it.
    fn first_time(&self, raw: &str) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= MAX_REMEMBERED || seen.contains(raw) {
            return false;
        }
        seen.insert(raw.to_owned());
        true
    }
}

/// The valid entries of `page`; each invalid one is left out and logged the first
/// time it is seen.
pub fn summaries(owner: &str, page: Vec<SpaceWire>, skipped: &SkippedIds) -> Vec<SpaceSummary> {
    let mut out = Vec::with_capacity(page.len());
    for item in page {
        let raw = item.raw_id();
        match item.into_summary() {
            Ok(summary) => out.push(summary),
            Err(error) => {
                if skipped.first_time(&raw) {
                    tracing::warn!(
                        owner = %crate::domain::text::clean_line(owner),
                        space = %raw,
                        error = %error,
                        "skipping one entry of the owner's Space list (logged once); the others stay watched"
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[&str]) -> Vec<SpaceWire> {
        ids.iter()
            .map(|id| {
                serde_json::from_value(serde_json::json!({
                    "id": id,
                    "runtime": {"stage": "RUNTIME_ERROR", "errorMessage": "x"}
                }))
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn a_bad_entry_is_skipped_and_the_rest_kept() {
        let skipped = SkippedIds::default();
        let listed = summaries(
            "alice",
            page(&["alice/a", "alice/weird<script>", "alice/b"]),
            &skipped,
        );
        let ids: Vec<String> = listed.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(ids, ["alice/a", "alice/b"]);
        // Logged once: the second sighting is not new.
        assert!(!skipped.first_time("alice/weird<script>"));
        assert!(skipped.first_time("alice/other<bad>"));
    }

    #[test]
    fn remembers_a_bounded_number_of_ids() {
        let skipped = SkippedIds::default();
        for i in 0..MAX_REMEMBERED {
            assert!(skipped.first_time(&format!("a/{i}")));
        }
        assert!(!skipped.first_time("a/one-too-many"));
    }
}
