//! The HTTP server loop: accepts connections under a cap, serves each with hyper's
//! HTTP/1 and the router, bounds how long a client may stay silent or dribble a request
//! header, and stops on the shared `CancellationToken`.
//!
//! Why not `axum::serve`: it gives hyper no timer, so hyper's header timeout is off,
//! and it accepts without limit. 300 clients that send half a request header held 300
//! connections for as long as they liked (issue 9, defect 10). That is how a status
//! page exposed directly gets taken down, and the container's HEALTHCHECK then restarts
//! it.

mod clock;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::middleware::AddExtension;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tower::Layer;

use self::clock::{Counted, RequestClock};
use super::WebState;

/// From the first byte of a request to the end of its header. A browser sends its
/// header in one packet; 10 s still covers a phone on a bad link, and a client that
/// dribbles a header (slowloris) costs a slot for 10 s at most. Go's guidance is 2–10 s;
/// Node (Uptime Kuma's server) allows 60 s, which is what made slowloris cheap there.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may wait for the first byte of a request: a new connection,
/// or a kept-alive one between requests. 65 s, Node's current keep-alive default, for
/// Node's reason: it is longer than the 60 s idle timeout of the usual proxies and load
/// balancers in front of a Space, so the proxy closes an idle connection first and
/// never sends a request down one we are closing (a 502 for the visitor).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(65);

/// Connections served at once. A status page for a team needs a few dozen (a browser
/// opens up to six); 512 stays well below the usual 1,024 open files of a container,
/// which the store and the outgoing Hub and chat connections share. Gatus sets no cap
/// (fasthttp's 256 K), Node none by default: their processes run out of files instead.
pub const MAX_CONNECTIONS: usize = 512;

/// Extra connections, beyond the cap, for clients on this machine (loopback). The
/// container's HEALTHCHECK (`spacewarden healthcheck`) connects over loopback: while
/// the cap is full of strangers it must still get through, or a flood turns into a
/// restart. Strangers cannot reach loopback, so they cannot fill these.
pub const LOCAL_RESERVE: usize = 8;

/// How long open connections get to finish once shutdown was asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Connection refusals are logged at most this often (a flood must not flood the log).
const REFUSAL_LOG_EVERY: Duration = Duration::from_secs(60);

/// The answer to a connection over the cap, written without reading the request.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Retry-After: 5\r\n\
Connection: close\r\n\
Content-Length: 42\r\n\
\r\n\
spacewarden is busy: too many connections\n";

/// The limits on HTTP connections; `Default` gives the constants above. Tests pass
/// smaller values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// From the first byte of a request to the end of its header.
    pub header_read: Duration,
    /// Waiting for the first byte of a request (new or kept-alive connection).
    pub idle: Duration,
    /// Connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
    /// Extra connections for loopback clients once `max_connections` are taken.
    pub local_reserve: usize,
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        ServeLimits {
            header_read: HEADER_READ_TIMEOUT,
            idle: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            local_reserve: LOCAL_RESERVE,
        }
    }
}

/// Serves until `cancel` fires, then gives open connections a few seconds.
pub async fn serve(
    listener: TcpListener,
    state: WebState,
    cancel: CancellationToken,
) -> crate::supervise::PartResult {
    serve_with(listener, state, cancel, ServeLimits::default()).await
}

/// `serve` with other limits.
pub async fn serve_with(
    listener: TcpListener,
    state: WebState,
    cancel: CancellationToken,
    limits: ServeLimits,
) -> crate::supervise::PartResult {
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    tracing::info!(%addr, port = addr.port(), "HTTP server listening");
    state.auth.note_port(addr.port());
    let router = super::router(state);
    let slots = Slots::new(&limits);
    let mut refusals = Refusals::default();
    // Each connection is a task of this set: a panic in one is logged when it is
    // reaped, and whatever is still open when the server returns is aborted.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            Some(done) = connections.join_next() => reap(done),
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => match slots.admit(peer.ip()) {
                    Some(slot) => {
                        // The peer's address for the handlers (the login throttle).
                        let service = Extension(ConnectInfo(peer)).layer(router.clone());
                        connections.spawn(connection(stream, service, limits, slot, cancel.clone()));
                    }
                    None => refusals.refuse(stream, &limits),
                },
                Err(e) => accept_failed(e).await,
            },
        }
    }
    drop(listener);
    // Every connection saw `cancel` too: idle ones close at once, busy ones after
    // their answer.
    let drained = async {
        while let Some(done) = connections.join_next().await {
            reap(done);
        }
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, drained).await.is_err() {
        tracing::warn!(
            open = connections.len(),
            "HTTP connections still open after the grace period; closing"
        );
        connections.abort_all();
    }
    Ok(())
}

/// The two pools of connection slots.
struct Slots {
    shared: Arc<Semaphore>,
    local: Arc<Semaphore>,
}

impl Slots {
    fn new(limits: &ServeLimits) -> Slots {
        Slots {
            shared: Arc::new(Semaphore::new(limits.max_connections)),
            local: Arc::new(Semaphore::new(limits.local_reserve)),
        }
    }

    /// A slot for a connection from `peer`, held until the connection ends; `None`
    /// when the cap is reached (and, for a loopback client, the reserve too).
    fn admit(&self, peer: IpAddr) -> Option<OwnedSemaphorePermit> {
        if let Ok(slot) = self.shared.clone().try_acquire_owned() {
            return Some(slot);
        }
        if peer.to_canonical().is_loopback() {
            return self.local.clone().try_acquire_owned().ok();
        }
        None
    }
}

/// Counts refused connections and says so in the log now and then.
#[derive(Default)]
struct Refusals {
    since_log: u64,
    last_log: Option<tokio::time::Instant>,
}

impl Refusals {
    /// Answers 503 and closes. Refusing at once, rather than leaving the connection in
    /// the listen queue, keeps `accept` running, so a loopback health check behind the
    /// flood still gets its reserved slot.
    fn refuse(&mut self, stream: TcpStream, limits: &ServeLimits) {
        // A fresh socket's send buffer takes these bytes without waiting; if it does
        // not, the client gets the close alone.
        let _ = stream.try_write(BUSY);
        drop(stream);
        self.since_log += 1;
        let now = tokio::time::Instant::now();
        if self
            .last_log
            .is_none_or(|last| now.duration_since(last) >= REFUSAL_LOG_EVERY)
        {
            tracing::warn!(
                refused = self.since_log,
                max_connections = limits.max_connections,
                "HTTP connections refused: the connection cap is reached"
            );
            self.since_log = 0;
            self.last_log = Some(now);
        }
    }
}

fn reap(done: Result<(), JoinError>) {
    if let Err(e) = done
        && e.is_panic()
    {
        tracing::error!(error = %e, "an HTTP connection task panicked; the connection is closed");
    }
}

/// A failed `accept`: a client that gave up before we took its connection is nothing;
/// anything else (out of file descriptors) would fail again at once, so wait a little.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept HTTP connections; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// One connection, served until the client leaves, a limit closes it, or shutdown.
async fn connection(
    stream: TcpStream,
    router: AddExtension<Router, ConnectInfo<SocketAddr>>,
    limits: ServeLimits,
    _slot: OwnedSemaphorePermit,
    cancel: CancellationToken,
) {
    let received = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Counted {
        inner: stream,
        received: received.clone(),
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(RequestClock {
            received,
            idle: limits.idle,
            header_read: limits.header_read,
        })
        .header_read_timeout(limits.header_read);
    let conn = builder.serve_connection(io, TowerToHyperService::new(router));
    tokio::pin!(conn);
    let served = tokio::select! {
        served = conn.as_mut() => served,
        () = cancel.cancelled() => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = served {
        // Timeouts, resets and malformed requests are the client's business.
        tracing::debug!(error = %e, "HTTP connection ended");
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn loopback_clients_get_the_reserve_once_the_cap_is_full() {
        let slots = Slots::new(&ServeLimits {
            max_connections: 1,
            local_reserve: 1,
            ..ServeLimits::default()
        });
        let stranger = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));
        let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let first = slots.admit(stranger);
        assert!(first.is_some(), "a free slot goes to anyone");
        assert!(slots.admit(stranger).is_none(), "over the cap");
        let mapped = IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped());
        let health = slots.admit(mapped);
        assert!(health.is_some(), "a loopback client gets the reserve");
        assert!(slots.admit(local).is_none(), "the reserve is bounded too");
        drop(first);
        assert!(slots.admit(IpAddr::V6(Ipv6Addr::LOCALHOST)).is_some());
    }

    #[test]
    fn the_busy_answer_has_the_length_it_claims() {
        let text = std::str::from_utf8(BUSY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
    }
}
