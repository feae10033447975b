//! Running the real `spacewarden` binary against the fakes: a clean environment (no
//! inherited HF_* or .env), a temporary working directory and database, and the
//! output captured for the assertions.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;

use spacewarden::config::Config;
use spacewarden::hub::{HttpProbe, HubClient};
use spacewarden::monitor::{Monitor, MonitorParts, Tuning};
use spacewarden::store::Store;
use tempfile::TempDir;

use super::fake_hub::FakeHub;

/// What one run of the binary printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON array ({e}):\n{}", self.stdout))
    }

    /// The JSON row of one Space.
    pub fn row(&self, space: &str) -> serde_json::Value {
        self.json()
            .into_iter()
            .find(|r| r["space"] == space)
            .unwrap_or_else(|| panic!("no row for {space} in:\n{}", self.stdout))
    }
}

/// The binary, configured to talk to a fake Hub.
pub struct App {
    dir: TempDir,
    vars: Vec<(String, String)>,
}

impl App {
    pub fn new(hub: &FakeHub) -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("spacewarden.db");
        let vars = [
            ("HF_ENDPOINT", hub.hub_url()),
            ("HF_SPACES_API_URL", hub.metrics_url()),
            ("HF_APP_URL_TEMPLATE", hub.app_url_template()),
            ("HF_TIMEOUT", "2s".to_owned()),
            ("DATABASE_URL", format!("sqlite://{}", db.display())),
            ("RUST_LOG", "warn".to_owned()),
            // Any free port: tests run in parallel, and 7860 may be taken.
            ("PORT", "0".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        App { dir, vars }
    }

    pub fn env(mut self, key: &str, value: &str) -> App {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn database_url(&self) -> String {
        self.var("DATABASE_URL").unwrap_or_default()
    }

    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// Writes `toml` as the per-Space settings file and points SPACEWARDEN_CONFIG at it.
    pub fn settings(self, toml: &str) -> App {
        let path = self.dir.path().join("spacewarden.toml");
        std::fs::write(&path, toml).expect("write settings");
        let path = path.to_string_lossy().into_owned();
        self.env("SPACEWARDEN_CONFIG", &path)
    }

    pub fn vars(&self) -> Vec<(String, String)> {
        self.vars.clone()
    }

    pub fn var(&self, key: &str) -> Option<String> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// Runs `spacewarden <args>` and waits for it.
    pub async fn run(&self, args: &[&str]) -> Run {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_spacewarden"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .await
            .expect("run spacewarden");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `spacewarden check --json`.
    pub async fn check_json(&self) -> Run {
        self.run(&["check", "--json"]).await
    }

    pub async fn store(&self) -> Store {
        Store::connect(&self.database_url())
            .await
            .expect("open the store")
    }

    /// The same configuration as the binary gets, as an in-process `Monitor`.
    pub async fn monitor(&self, tuning: Tuning) -> Monitor {
        let config = Config::from_lookup(|key| self.var(key)).expect("valid config");
        let hub = HubClient::for_config(&config).expect("hub client");
        let mut parts = MonitorParts::new(
            Arc::new(config),
            Arc::new(hub),
            Arc::new(HttpProbe::new().expect("probe")),
            self.store().await,
        );
        parts.tuning = tuning;
        Monitor::new(parts)
    }
}
