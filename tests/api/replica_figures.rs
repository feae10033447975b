//! Issue 25, finding 2: a follower replica stores nothing, yet its uptime figures and
//! the Spaces' states it keeps follow the leader's cycles (it takes them in from the
//! change marker the leader bumps each cycle). Two real `spacewarden run` processes on one Postgres database;
//! skipped without a Postgres server, except in CI.

use std::time::Duration;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::postgres::fresh_database;
use crate::support::process::{Running, eventually};
use crate::web_process::listening_port;

struct Replica {
    _process: Running,
    base: String,
}

impl Replica {
    async fn start(app: &App) -> Replica {
        let process = app.spawn(&["run"]);
        let port = listening_port(&process).await;
        Replica {
            _process: process,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The first sample of `/metrics` whose line starts with `prefix`.
    async fn sample(&self, prefix: &str) -> Option<f64> {
        let text = reqwest::get(format!("{}/metrics", self.base))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        text.lines()
            .find_map(|line| line.strip_prefix(prefix))
            .and_then(|value| value.trim().parse().ok())
    }

    async fn leads(&self) -> bool {
        self.sample("spacewarden_replica_leader ").await == Some(1.0)
    }
}

const DAY_RATIO: &str = r#"spacewarden_space_uptime_ratio{space="alice/app",window="24h"} "#;
const DOWN: &str = r#"spacewarden_space_verdict{space="alice/app",verdict="down"} "#;

#[tokio::test]
async fn a_follower_figures_follow_the_leader_cycles() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("DATABASE_URL", &database)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info");
    let replicas = [Replica::start(&app).await, Replica::start(&app).await];
    let mut roles = None;
    let settled = eventually(Duration::from_secs(20), async || {
        roles = match (replicas[0].leads().await, replicas[1].leads().await) {
            (true, false) => Some((0, 1)),
            (false, true) => Some((1, 0)),
            _ => None,
        };
        roles.is_some()
    })
    .await;
    assert!(settled, "never one leader and one follower");
    let (leader, follower) = roles.expect("roles");
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
