//! The Hub client's one observer hook: what it tells its observers of each call (the
//! metrics, the page's samples and the progress display all subscribe to it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use spacewarden::domain::SpaceId;
use spacewarden::hub::{Hub, HubClient, HubEndpoints, HubEvent};
use url::Url;

use crate::support::fake_hub::{FakeHub, SpaceSpec};

/// Each event as a line: `request 200`, `runtime Restart alice/app BUILDING`, …
fn watched(hub: &FakeHub) -> (HubClient, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let lines = seen.clone();
    let client = HubClient::new(
        HubEndpoints {
            hub: Url::parse(&hub.hub_url()).unwrap(),
            spaces_api: Url::parse(&hub.metrics_url()).unwrap(),
        },
        Duration::from_secs(2),
    )
    .unwrap()
    .with_observer(Arc::new(move |event: &HubEvent<'_>| {
        let line = match event {
            HubEvent::Request { status, .. } => format!("request {status:?}"),
            HubEvent::Runtime {
                space,
                call,
                runtime,
            } => format!("runtime {call:?} {space} {}", runtime.stage),
            HubEvent::Samples { space, samples } => {
                format!("samples {space} {}", samples.len())
            }
        };
        lines.lock().unwrap().push(line);
    }));
    (client, seen)
}

fn take(seen: &Mutex<Vec<String>>) -> Vec<String> {
    std::mem::take(&mut *seen.lock().unwrap())
}

#[tokio::test]
async fn every_request_and_what_it_learnt_reach_the_observers() {
    let hub = FakeHub::start().await;
    hub.set_metrics_interval(Duration::from_millis(20));
    hub.add_user("alice", "hf_alice").add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .hardware(Some("cpu-basic"))
            .after_restart(vec!["BUILDING", "RUNNING"]),
    );
    let (client, seen) = watched(&hub);
    let alice = SecretString::from("hf_alice".to_owned());
    let app = SpaceId::parse("alice/app").unwrap();

    client.runtime(&app, Some(&alice)).await.unwrap();
    client.restart(&app, false, Some(&alice)).await.unwrap();
    assert_eq!(
        take(&seen),
        [
            "request Some(200)",
            "runtime Read alice/app RUNTIME_ERROR",
            "request Some(200)",
            "runtime Restart alice/app BUILDING",
        ]
    );

    client.pause(&app, Some(&alice)).await.unwrap();
    assert_eq!(
        take(&seen),
        ["request Some(200)", "runtime Pause alice/app PAUSED"]
    );

    client.live_metrics(&app, 2, Some(&alice)).await.unwrap();
    assert_eq!(take(&seen), ["request Some(200)", "samples alice/app 2"]);

    // A refusal is a request with its status, and nothing learnt.
    let nope = SpaceId::parse("alice/nope").unwrap();
    client
        .restart(&nope, false, Some(&alice))
        .await
        .unwrap_err();
    assert_eq!(take(&seen), ["request Some(404)"]);
    // The list is a request only: its runtimes are the cycle's, not a call's answer.
    client.list_spaces("alice", Some(&alice)).await.unwrap();
    assert_eq!(take(&seen), ["request Some(200)"]);
}
