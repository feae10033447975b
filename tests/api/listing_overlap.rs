//! Issue 25, finding 8: listing overlaps probing. An owner's Spaces are probed as soon
//! as its list arrives, and owners are listed more than four at a time, so one slow
//! owner no longer holds up every other owner's probes. Observed through the order of
//! the fake's requests, not through timings.

use std::time::Duration;

use spacewarden::monitor::Tuning;

use crate::support::app::App;
use crate::support::fake_hub::SpaceSpec;
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, HostKind};

/// More than the four owners listed at once before; `slow` comes first, so it is
/// among the first listed whatever the concurrency.
const OWNERS: [&str; 6] = ["slow", "ann", "bea", "cid", "dan", "eve"];

#[tokio::test]
async fn other_owners_are_probed_while_a_slow_owners_list_is_still_coming() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    for owner in OWNERS {
        hub.add_user(owner, &format!("hf_{owner}"));
        for n in 0..2 {
            hub.add_space(SpaceSpec::new(&format!("{owner}/app-{n}")));
        }
    }
    // The slow owner's list answers after a while (well within the timeout): long
    // enough for the other owners' lists and probes, were they not waiting for it.
    hub.inject(
        Fault::new(FaultKind::Hang(Duration::from_secs(3)))
            .path("author=slow")
            .times(1),
    );
    let watch: Vec<String> = OWNERS.iter().map(|o| format!("{o}/*")).collect();
    let app = App::new(&hub)
        .env("SPACES", &watch.join(","))
        .env("HF_TOKEN", "hf_alice")
        .env("HF_TIMEOUT", "20s");
    let monitor = app.monitor(Tuning::default()).await;
    let targets = monitor.config().watch.clone();
    let observations = monitor.observe(&targets).await.expect("observe");
    assert_eq!(observations.len(), 12, "every Space observed");

    let requests = hub.requests();
    let slow_list = requests
        .iter()
        .find(|r| r.host == HostKind::Hub && r.query.contains("author=slow"))
        .expect("slow's list was asked");
    let slow_listed = slow_list.answered.expect("slow's list was answered");
    let probes: Vec<_> = requests
        .iter()
        .filter(|r| r.host == HostKind::App)
        .collect();
    assert_eq!(probes.len(), 12, "every app probed once");
    let early: Vec<&str> = probes
        .iter()
        .filter(|p| p.arrived < slow_listed)
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(
        early.len(),
        10,
        "the other owners' apps are probed before slow's list arrives: {early:?}"
    );
    assert!(
        early.iter().all(|path| !path.contains("slow")),
        "slow's apps wait for its own list: {early:?}"
    );
}
