//! The real binary as a long-running process (`spacewarden run`): output captured as
//! it comes, SIGTERM and SIGKILL on demand.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::app::App;

pub struct Running {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl App {
    /// Starts `spacewarden <args>` in the background.
    pub fn spawn(&self, args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spacewarden"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.vars())
            .current_dir(self.dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn spacewarden");
        let output = Arc::new(Mutex::new(String::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let output = output.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let mut out = output.lock().unwrap();
                    out.push_str(&line);
                    out.push('\n');
                }
            });
        }
        Running { child, output }
    }
}

impl Running {
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until the output contains `needle`; panics with the output otherwise.
    pub async fn wait_for(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.output().contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "no \"{needle}\" within {timeout:?}; output:\n{}",
            self.output()
        );
    }

    /// Waits until the daemon has read its stored history once (`view::keep_current`
    /// logs it built, or failed): until then a page, the JSON API and `/metrics` answer
    /// 503 after a short wait, and CI under load may be slower than that wait.
    pub async fn wait_for_read_model(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let output = self.output();
            if output.contains("read model built")
                || output.contains("read model could not be built")
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "the read model was not built within {timeout:?}; output:\n{}",
            self.output()
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// SIGKILL: no chance to clean up, like a crash or an OOM kill.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill");
    }

    /// SIGTERM, then the exit status (waits at most `timeout`).
    pub async fn terminate(&mut self, timeout: Duration) -> Option<i32> {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(Ok(status)) => status.code(),
            _ => None,
        }
    }
}

/// Polls `check` until it returns true or `timeout` passes.
pub async fn eventually(timeout: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// Waits until the outbox rows of `destination` satisfy `check` (e.g. queued and
/// tried, or all sent): the condition a fixed sleep used to stand for.
pub async fn outbox_until(
    store: &spacewarden::store::Store,
    destination: &str,
    timeout: Duration,
    check: impl Fn(&[spacewarden::store::OutboxRow]) -> bool,
) -> bool {
    eventually(timeout, async || {
        store
            .outbox(destination)
            .await
            .is_ok_and(|rows| check(&rows))
    })
    .await
}

/// All of them queued and delivered: nothing more will be sent.
pub fn all_sent(expected: usize) -> impl Fn(&[spacewarden::store::OutboxRow]) -> bool {
    move |rows| rows.len() == expected && rows.iter().all(|r| r.state == "sent")
}

/// All of them queued, and the first tried and refused at least once.
pub fn queued_and_tried(expected: usize) -> impl Fn(&[spacewarden::store::OutboxRow]) -> bool {
    move |rows| rows.len() == expected && rows.first().is_some_and(|r| r.attempts >= 1)
}
