//! The watch-list rule, applied once: on both backends, a Space the store knows but
//! `SPACES` no longer names is left out of every reader, `owner/*` covers an owner's
//! Spaces in any spelling, and a named Space not checked yet is listed without a state.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use super::{Reach, history, space_detail, watched_rows, watched_states};
use crate::clock::ManualClock;
use crate::config::Config;
use crate::domain::{Observation, SpaceCheck, SpaceId, Stage, Verdict};
use crate::hub::{HttpProbe, HubClient};
use crate::monitor::{Monitor, MonitorParts};
use crate::store::Store;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, hour, 0, 0)
        .single()
        .expect("a valid test instant")
}

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).expect("a valid test Space id")
}

fn up(space: &str, when: DateTime<Utc>) -> Observation {
    SpaceCheck {
        hardware: Some("cpu-basic".into()),
        ..SpaceCheck::new(id(space), when, Stage::parse("RUNNING"), Verdict::Up)
    }
    .into()
}

/// A monitor over `store` watching `spaces`; its Hub client is never called.
fn monitor(store: Store, spaces: &str) -> Monitor {
    let vars = HashMap::from([("SPACES".to_owned(), spaces.to_owned())]);
    let config = Config::from_lookup(|key| vars.get(key).cloned()).expect("a valid config");
    let hub = HubClient::for_config(&config).expect("a Hub client");
    let mut parts = MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(HttpProbe::new().expect("a probe")),
        store,
    );
    parts.clock = Arc::new(ManualClock::new(at(12)));
    Monitor::new(parts)
}

fn names<'a>(ids: impl Iterator<Item = &'a SpaceId>) -> Vec<String> {
    ids.map(SpaceId::to_string).collect()
}

#[tokio::test]
async fn only_watched_spaces_are_read() {
    for store in crate::store::test_stores().await {
        let checks = ["alice/One", "alice/two", "bob/app", "bob/old", "carol/x"];
        let observations: Vec<Observation> = checks.iter().map(|s| up(s, at(11))).collect();
        store.record(&observations).await.expect("record");
        // bob/old was watched once; bob/new is named but not checked yet.
        let monitor = monitor(store, "ALICE/*,bob/app,bob/new");

        let states = watched_states(&monitor).await.expect("states");
        let mut seen = names(states.iter().map(|s| &s.space));
        seen.sort();
        assert_eq!(seen, ["alice/One", "alice/two", "bob/app"]);

        let rows = watched_rows(&monitor).await.expect("rows");
        assert_eq!(
            names(rows.iter().map(|r| &r.id)),
            ["alice/One", "alice/two", "bob/app", "bob/new"]
        );
        assert!(rows[3].state.is_none(), "bob/new is listed unchecked");

        let old = space_detail(&monitor, &id("bob/old")).await.expect("read");
        assert!(old.is_none(), "not watched any more");
        let one = space_detail(&monitor, &id("alice/one"))
            .await
            .expect("read");
        let one = one.expect("watched through alice/*");
        assert_eq!(one.id.to_string(), "alice/One", "the Hub's spelling");
        assert_eq!(one.uptime.h24, Some(1.0));

        let reach = Reach::Latest {
            incidents: 5,
            actions: 5,
            checks: 0,
        };
        let none = history(&monitor, &one.id, reach).await.expect("history");
        assert!(none.checks.is_empty(), "a count of 0 reads none");
        let since = Reach::Since {
            at: at(10),
            limit: 10,
        };
        let read = history(&monitor, &one.id, since).await.expect("history");
        assert_eq!(read.checks.len(), 1);
    }
}

/// While this process's cycle stores and takes in its results, readers get the states
/// standing before it; the cycle's own take-in reads the new ones, and after it every
/// reader does.
#[tokio::test]
async fn readers_get_the_standing_states_while_the_cycle_takes_its_own_in() {
    for store in crate::store::test_stores().await {
        store
            .record(&[up("alice/one", at(11))])
            .await
            .expect("record");
        let monitor = monitor(store.clone(), "alice/*");
        assert_eq!(watched_states(&monitor).await.expect("states").len(), 1);

        let in_cycle = monitor.aggregates().in_cycle();
        store
            .record(&[up("alice/two", at(11))])
            .await
            .expect("record");
        assert_eq!(watched_states(&monitor).await.expect("states").len(), 1);
        super::refresh(&monitor).await.expect("the cycle's take-in");
        assert_eq!(watched_states(&monitor).await.expect("states").len(), 2);
        drop(in_cycle);

        store
            .record(&[up("alice/three", at(11))])
            .await
            .expect("record");
        assert_eq!(watched_states(&monitor).await.expect("states").len(), 3);
    }
}
