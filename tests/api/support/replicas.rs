//! Two or more real `spacewarden run` processes on one Postgres database (DESIGN.md
//! "Replicas on Postgres"): each replica's process and address, what it says on
//! `/readyz` and `/metrics`, and the wait until one leads and another follows.

use std::time::Duration;

use serde_json::Value;

use crate::support::app::App;
use crate::support::fake_hub::FakeHub;
use crate::support::process::{Running, eventually};
use crate::support::web::API_KEY;
use crate::web_process::listening_port;

/// The replicas' configuration: `alice/app` watched with alice's token, checked every
/// second, on `database`, with `settings` as the settings file.
pub fn replica_app(hub: &FakeHub, database: &str, settings: &str) -> App {
    hub.add_user("alice", "hf_alice");
    App::new(hub)
        .env("DATABASE_URL", database)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("API_KEY", API_KEY)
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .settings(settings)
}

/// One replica: the process and where its HTTP server listens.
pub struct Replica {
    pub process: Running,
    pub base: String,
}

impl Replica {
    /// `spacewarden run` of `app`, once it listens.
    pub async fn start(app: &App) -> Replica {
        let process = app.spawn(&["run"]);
        let port = listening_port(&process).await;
        Replica {
            process,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// `/readyz`, whatever its status; `None` when it does not answer JSON.
    pub async fn readyz(&self) -> Option<Value> {
        let reply = reqwest::get(format!("{}/readyz", self.base)).await.ok()?;
        reply.json().await.ok()
    }

    /// `leader` or `follower`, as `/readyz` says.
    pub async fn role(&self) -> Option<String> {
        Some(self.readyz().await?["role"].as_str()?.to_owned())
    }

    /// The first sample of `/metrics` whose line starts with `prefix` (a name and its
    /// labels, e.g. `spacewarden_space_verdict{space="alice/app",verdict="down"} `).
    pub async fn sample(&self, prefix: &str) -> Option<f64> {
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

    /// A sample of `/metrics` without labels, e.g. `spacewarden_check_cycles_total`.
    pub async fn metric(&self, name: &str) -> Option<f64> {
        self.sample(&format!("{name} ")).await
    }
}

/// Waits until one replica leads and the other follows; returns (leader, follower).
pub async fn roles(a: &Replica, b: &Replica) -> (usize, usize) {
    let mut found = None;
    let settled = eventually(Duration::from_secs(20), async || {
        found = match (a.role().await.as_deref(), b.role().await.as_deref()) {
            (Some("leader"), Some("follower")) => Some((0, 1)),
            (Some("follower"), Some("leader")) => Some((1, 0)),
            _ => None,
        };
        found.is_some()
    })
    .await;
    assert!(
        settled,
        "never one leader and one follower:\n--- a\n{}\n--- b\n{}",
        a.process.output(),
        b.process.output()
    );
    found.expect("roles")
}
