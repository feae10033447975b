//! Slow clients against the HTTP server (issue 9, defect 10): prints a table, asserts
//! nothing.
//!
//! `cargo bench --bench web_limits [-- --binary PATH] [-- --clients N]`
//! Starts `spacewarden run` (this build's, or the binary at PATH, e.g. one built
//! before the limits) with `PORT=0` against the fake Hub, opens N connections (300 by
//! default) that each send half a request header, and then counts how many are still
//! open at 1, 5, 15 and 35 s, asking `/healthz` (as the container's HEALTHCHECK does)
//! each time. Further rounds open 600 (more than the 512-connection cap) and 1,100
//! (more than the daemon's open files: it runs with `ulimit -n 1024`, the usual
//! limit in a container). The slow
//! clients connect to this machine's outward address when it has one, so they arrive
//! from a non-loopback address as strangers would; `/healthz` is asked over loopback.

#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;
#[path = "support/listening.rs"]
mod listening;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use fake_hub::{FakeHub, SpaceSpec};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const HALF_HEADER: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
const SAMPLES: [u64; 4] = [1, 5, 15, 35];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let binary = value("--binary").unwrap_or_else(|| env!("CARGO_BIN_EXE_spacewarden").into());
    let clients: usize = value("--clients").map_or(300, |n| n.parse().expect("--clients N"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let attack_ip = outward_ip();
    println!("binary: {binary}; slow clients connect to {attack_ip}");
    println!();
    println!(
        "| half-header connections | open after 1 s | 5 s | 15 s | 35 s | answered 503 | `/healthz` at 1 / 5 / 15 / 35 s |"
    );
    println!("|---|---|---|---|---|---|---|");
    for n in [clients, 600, 1100] {
        runtime.block_on(round(&binary, n, attack_ip));
    }
}

/// The address this machine would send from to the outside world (a UDP "connect"
/// sends nothing), or loopback when there is none.
fn outward_ip() -> IpAddr {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|socket| {
            socket.connect("192.0.2.1:9")?;
            socket.local_addr()
        })
        .map(|addr| addr.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified() && !ip.is_loopback())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

async fn round(binary: &str, clients: usize, attack_ip: IpAddr) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = tokio::process::Command::new("/bin/sh")
        .args(["-c", "ulimit -n 1024 && exec \"$0\" run", binary])
        .env_clear()
        .env("HF_ENDPOINT", hub.hub_url())
        .env("HF_SPACES_API_URL", hub.metrics_url())
        .env("HF_APP_URL_TEMPLATE", hub.app_url_template())
        .env("SPACES", "alice/app")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("slow.db").display()),
        )
        .env("RUST_LOG", "info")
        .env("PORT", "0")
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn spacewarden");
    let port = listening::listening_port(child.stderr.take().expect("stderr")).await;

    let started = Instant::now();
    let mut streams = Vec::with_capacity(clients);
    for _ in 0..clients {
        let connecting = TcpStream::connect((attack_ip, port));
        let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_secs(2), connecting).await
        else {
            continue;
        };
        // A refused connection may already be closed: the write may fail.
        let _ = stream.write_all(HALF_HEADER).await;
        streams.push(Slow {
            stream,
            received: Vec::new(),
            closed: false,
        });
    }
    let mut open_counts = Vec::new();
    let mut health = Vec::new();
    for at in SAMPLES {
        let due = started + Duration::from_secs(at);
        tokio::time::sleep_until(due.into()).await;
        open_counts.push(
            streams
                .iter_mut()
                .map(Slow::still_open)
                .filter(|open| *open)
                .count(),
        );
        let asked = Instant::now();
        health.push(
            match spacewarden::web::check_health(port, Duration::from_secs(5)).await {
                Ok(()) => format!("{} ms", asked.elapsed().as_millis()),
                Err(e) => format!("fails ({e})"),
            },
        );
    }
    let refused = streams.iter().filter(|s| s.refused()).count();
    let connected = if streams.len() < clients {
        format!(" ({} connected)", streams.len())
    } else {
        String::new()
    };
    println!(
        "| {clients}{connected} | {} | {} | {} | {} | {refused} | {} |",
        open_counts[0],
        open_counts[1],
        open_counts[2],
        open_counts[3],
        health.join(" / ")
    );
    let _ = child.kill().await;
}

/// One slow client: its socket and what the server sent it.
struct Slow {
    stream: TcpStream,
    received: Vec<u8>,
    closed: bool,
}

impl Slow {
    /// Reads what arrived without waiting; `true` while the connection is open.
    fn still_open(&mut self) -> bool {
        let mut buf = [0u8; 1024];
        while !self.closed {
            match self.stream.try_read(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Ok(0) | Err(_) => self.closed = true,
                Ok(n) => self.received.extend_from_slice(&buf[..n]),
            }
        }
        !self.closed
    }

    /// Answered "busy" (the cap was full when it arrived).
    fn refused(&self) -> bool {
        self.received.starts_with(b"HTTP/1.1 503")
    }
}
