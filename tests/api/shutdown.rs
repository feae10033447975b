//! Issue 19, defect 16: shutdown is seen in the middle of long work. A memory sweep
//! over many running Spaces took minutes and ignored the token, so SIGTERM never
//! finished; now no read starts after the cancellation and the sampler ends at once.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::support::app::App;
use crate::support::daemon::Daemon;
use crate::support::fake_hub::{FakeHub, HostKind, SpaceSpec};

/// Live-metrics reads the fake has seen.
fn reads(hub: &FakeHub) -> usize {
    hub.requests_to(HostKind::Metrics).len()
}

#[tokio::test]
async fn a_cancel_during_a_memory_sweep_is_seen_before_the_next_read() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    for n in 0..6 {
        hub.add_space(SpaceSpec::new(&format!("alice/app{n}")));
    }
    // A stream sends an event an hour: every read hangs until its client leaves.
    hub.set_metrics_interval(Duration::from_secs(3600));
    let app = App::new(&hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .settings("[memory]\nstreams = 1\n");
    let d = Daemon::new(&app).await.owning(app);
    d.cycle().await;
    hub.clear_requests();

    let cancel = CancellationToken::new();
    let sampler = tokio::spawn({
        let (monitor, cancel) = (d.monitor.clone(), cancel.clone());
        async move { monitor.run_memory_sampler(cancel).await }
    });
    // The sweep is on its first of six reads, one stream at a time.
    while reads(&hub) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    // A guard against a hang, not a measure: the old sweep waited for every read.
    let ended = tokio::time::timeout(Duration::from_secs(60), sampler).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the sampler did not end: {ended:?}"
    );
    assert_eq!(reads(&hub), 1, "a read started after the cancellation");
}
