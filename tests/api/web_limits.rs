//! The HTTP server's connection limits over real sockets (issue 9, defect 10): a
//! client that sends half a request header is cut after the header timeout, a silent
//! or kept-alive connection after the idle timeout, connections over the cap are
//! answered 503, and the loopback health check still gets through while the cap is
//! full. The limits are small here; the waits are bounds, never measurements.

use std::time::Duration;

use spacewarden::web::{ServeLimits, check_health, serve_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::support::fake_hub::FakeHub;
use crate::support::process::eventually;
use crate::support::web::Site;

/// Longer than any wait below: a limit set to this never fires during a test.
const NEVER: Duration = Duration::from_secs(60);
/// How long a test waits for something a short limit must cause.
const BOUND: Duration = Duration::from_secs(15);

/// Half a request header: the request line and one field, no blank line.
const HALF_HEADER: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";

struct Server {
    port: u16,
    cancel: CancellationToken,
    task: JoinHandle<spacewarden::supervise::PartResult>,
    _site: Site,
}

async fn start(limits: ServeLimits) -> Server {
    let hub = FakeHub::start().await;
    let site = Site::new(&hub, "alice/app", None, "").await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serve_with(listener, site.state(), cancel.clone(), limits));
    Server {
        port,
        cancel,
        task,
        _site: site,
    }
}

async fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).await.unwrap()
}

async fn staller(port: u16) -> TcpStream {
    let mut stream = connect(port).await;
    stream.write_all(HALF_HEADER).await.unwrap();
    stream
}

/// Reads until the server closes the connection (end of stream or reset), or
/// `within` passes; what it sends before closing does not matter.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let drain = async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, drain).await.is_ok()
}

/// Open and quiet: nothing to read and no end of stream.
fn still_open(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 1];
    matches!(stream.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

/// One keep-alive GET of /healthz; reads exactly the answer and leaves the
/// connection open.
async fn healthz_kept_alive(stream: &mut TcpStream) {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.ends_with(b"{\"status\":\"ok\"}") {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"));
}

#[tokio::test]
async fn half_headers_are_cut_after_the_header_timeout() {
    let server = start(ServeLimits {
        header_read: Duration::from_millis(300),
        idle: NEVER,
        ..ServeLimits::default()
    })
    .await;
    let mut silent = connect(server.port).await;
    let mut stallers = Vec::new();
    for _ in 0..50 {
        stallers.push(staller(server.port).await);
    }
    for (i, stream) in stallers.iter_mut().enumerate() {
        assert!(
            closed_within(stream, BOUND).await,
            "half-header connection {i} still open"
        );
    }
    // The header clock starts at a request's first byte: a connection that has sent
    // nothing is under the (longer) idle limit.
    assert!(
        still_open(&silent),
        "a silent connection was cut by the header timeout"
    );
    healthz_kept_alive(&mut silent).await;
    server.cancel.cancel();
    server.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn silent_and_kept_alive_connections_close_after_the_idle_timeout() {
    let server = start(ServeLimits {
        header_read: NEVER,
        idle: Duration::from_millis(300),
        ..ServeLimits::default()
    })
    .await;
    let mut silent = connect(server.port).await;
    let mut kept = connect(server.port).await;
    healthz_kept_alive(&mut kept).await;
    assert!(
        closed_within(&mut kept, BOUND).await,
        "kept-alive connection still open"
    );
    assert!(
        closed_within(&mut silent, BOUND).await,
        "silent connection still open"
    );
    server.cancel.cancel();
    server.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn over_the_cap_is_refused_and_the_health_check_gets_the_reserve() {
    let server = start(ServeLimits {
        header_read: NEVER,
        idle: NEVER,
        max_connections: 4,
        local_reserve: 1,
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(staller(server.port).await);
    }
    // Loopback, so the fifth takes the reserve; the sixth finds nothing.
    let in_reserve = staller(server.port).await;
    let mut extra = connect(server.port).await;
    let mut answer = String::new();
    tokio::time::timeout(BOUND, extra.read_to_string(&mut answer))
        .await
        .expect("the refused connection was closed")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After: 5"), "{answer}");
    // The health check is refused too (a 503, or a reset if its request crossed the
    // close).
    assert!(check_health(server.port, BOUND).await.is_err());

    // Once a slot frees, the health check answers, while the four stallers still
    // fill the cap.
    drop(in_reserve);
    let healthy = eventually(BOUND, async || {
        check_health(server.port, BOUND).await.is_ok()
    })
    .await;
    assert!(healthy, "/healthz never answered after a slot freed");
    for (i, stream) in held.iter().enumerate() {
        assert!(still_open(stream), "staller {i} was closed");
    }
    server.cancel.cancel();
    server.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_closes_every_kind_of_connection() {
    let server = start(ServeLimits {
        header_read: NEVER,
        idle: NEVER,
        ..ServeLimits::default()
    })
    .await;
    let mut silent = connect(server.port).await;
    let mut half = staller(server.port).await;
    let mut kept = connect(server.port).await;
    healthz_kept_alive(&mut kept).await;
    server.cancel.cancel();
    tokio::time::timeout(BOUND, server.task)
        .await
        .expect("the server stopped")
        .unwrap()
        .unwrap();
    for (what, stream) in [
        ("silent", &mut silent),
        ("half header", &mut half),
        ("kept alive", &mut kept),
    ] {
        assert!(closed_within(stream, BOUND).await, "{what} still open");
    }
}
