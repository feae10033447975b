//! One connection's clock for hyper: the socket counts the bytes it receives, and
//! each wait for a request head runs in two phases, idle until the first byte, then the
//! header timeout. Owns nothing else; `serve` wires it into each connection.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioTimer;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The socket, counting the bytes it received (what `RequestClock` watches).
pub(super) struct Counted {
    pub(super) inner: TcpStream,
    pub(super) received: Arc<AtomicU64>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let got = buf.filled().len().saturating_sub(before);
        if got > 0 {
            self.received.fetch_add(got as u64, Ordering::Relaxed);
        }
        polled
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// hyper's timer for one connection, giving its header timeout two phases.
///
/// hyper 1 starts its header clock whenever it waits for a request head: when the
/// connection opens and again after every answer. Alone, that makes the keep-alive
/// idle time and the header time one value. This clock waits up to `idle` for the
/// first new byte, then up to `header_read` for the rest of the head, so a dribbled
/// header is cut after 10 s while a browser's kept-alive connection lasts 65 s. hyper
/// polls the clock each time the socket brings bytes that do not finish the head, which
/// is when the switch happens. hyper's HTTP/1 server uses the timer for nothing else.
#[derive(Clone)]
pub(super) struct RequestClock {
    pub(super) received: Arc<AtomicU64>,
    pub(super) idle: Duration,
    pub(super) header_read: Duration,
}

impl hyper::rt::Timer for RequestClock {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        TokioTimer::new().sleep(duration)
    }

    fn sleep_until(&self, _deadline: std::time::Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HeadWait {
            received: self.received.clone(),
            seen: self.received.load(Ordering::Relaxed),
            header_read: self.header_read,
            in_header: false,
            timer: Box::pin(tokio::time::sleep(self.idle)),
        })
    }
}

/// One wait for a request head: `idle` until a byte arrives, then `header_read`.
/// (A head whose first bytes were read before the wait began, which only pipelining
/// does, gets the idle limit: still bounded.)
struct HeadWait {
    received: Arc<AtomicU64>,
    seen: u64,
    header_read: Duration,
    in_header: bool,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl std::future::Future for HeadWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if !this.in_header && this.received.load(Ordering::Relaxed) > this.seen {
            this.in_header = true;
            let deadline = tokio::time::Instant::now() + this.header_read;
            this.timer.as_mut().reset(deadline);
        }
        this.timer.as_mut().poll(cx)
    }
}

impl hyper::rt::Sleep for HeadWait {}
