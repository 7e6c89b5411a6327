//! The accept loop. `axum::serve` sets no timer on its HTTP/1 connections, so a client that
//! sends its request head one byte a minute holds a connection (and a task) forever
//! (slowloris). This loop is the same hyper-util server with a timer, a deadline for the
//! request head, TCP_NODELAY, the peer address for handlers (`ConnectInfo`), and a graceful
//! shutdown that lets requests in flight finish.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a client may take to send a request's head (line and headers). Bodies (uploads)
/// are not limited by it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The most a connection's read buffer holds, and so the longest request head (hyper answers a
/// longer one 431). hyper's default lets it grow to about 400 KiB. A streaming upload holds about
/// three buffers of this size (hyper's, multer's, the spool file's): at 1,000 uploads of 20 MiB
/// at once, heaptrack measured 85 + 130 + 69 MB of them with 64 KiB, and the server's peak was
/// 400–430 MB; with 32 KiB it was 297 MB, with 16 KiB 222 MB. 16 KiB still takes any head a
/// browser sends: nginx in front refuses a header line over 8 KiB by default.
pub const READ_BUFFER: usize = 16 * 1024;

/// Serves `app` on `listener` until `shutdown` completes, then waits for open connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout).max_buf_size(READ_BUFFER);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY the streamed SSR responses wait on Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(tcp), service);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
