//! Issue 25, finding 2: a follower replica stores nothing, yet its uptime figures and
//! the Spaces' states it keeps follow the leader's cycles (it takes them in from the
//! change marker the leader bumps each cycle). Two real `spacewarden run` processes on one Postgres database;
//! skipped without a Postgres server, except in CI.

use std::time::Duration;

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::postgres::fresh_database;
use crate::support::process::eventually;
use crate::support::replicas::{Replica, replica_app, roles};

const DAY_RATIO: &str = r#"spacewarden_space_uptime_ratio{space="alice/app",window="24h"} "#;
const DOWN: &str = r#"spacewarden_space_verdict{space="alice/app",verdict="down"} "#;

#[tokio::test]
async fn a_follower_figures_follow_the_leader_cycles() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = replica_app(&hub, &database, "");
    let replicas = [Replica::start(&app).await, Replica::start(&app).await];
    let (leader, follower) = roles(&replicas[0], &replicas[1]).await;
    let (leader, follower) = (&replicas[leader], &replicas[follower]);

    // Up while the leader checks: the follower, which checks nothing, shows it.
    let up = eventually(Duration::from_secs(20), async || {
        follower.sample(DAY_RATIO).await == Some(1.0)
    })
    .await;
    assert!(up, "the follower never showed the leader's first cycles");
    assert_eq!(
        follower.sample("spacewarden_check_cycles_total ").await,
        Some(0.0)
    );

    // Down from now on: the follower's figure falls with the leader's cycles, and
    // meets the leader's.
    hub.set_stage("alice/app", "RUNTIME_ERROR");
    let followed = eventually(Duration::from_secs(20), async || {
        let seen = follower.sample(DAY_RATIO).await;
        seen.is_some_and(|ratio| ratio < 0.9) && seen == leader.sample(DAY_RATIO).await
    })
    .await;
    assert!(
        followed,
        "the follower's 24 h uptime did not follow: {:?} against the leader's {:?}",
        follower.sample(DAY_RATIO).await,
        leader.sample(DAY_RATIO).await
    );

    // The state too: the verdict the leader stored, from the follower's kept states.
    assert_eq!(
        follower.sample(DOWN).await,
        Some(1.0),
        "the follower's verdict"
    );
    assert_eq!(leader.sample(DOWN).await, Some(1.0), "the leader's verdict");
}
