//! Racing a future against a timer, on any runtime.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use futures_util::future::{select, Either};

use super::Runtime;

/// Waits longer than this are treated as "no limit" (about a century: far
/// beyond any process, and small enough for every timer's `Instant` arithmetic).
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Runs `fut`, giving up after `limit` (no limit when `None` or longer than
/// [`LONGEST_WAIT`]). `Err(())` means the time ran out.
///
/// A zero limit behaves the same on every runtime: `fut` is polled once and
/// the time has run out if it is not ready. (Configuration refuses zero
/// timeouts; this only keeps internal callers consistent.)
pub(crate) async fn with_timeout<T>(
    runtime: &Runtime,
    limit: Option<Duration>,
    fut: impl Future<Output = T>,
) -> Result<T, ()> {
    let limit = match limit {
        Some(limit) if limit <= LONGEST_WAIT => limit,
        _ => return Ok(fut.await),
    };
    let mut fut = std::pin::pin!(fut);
    if limit.is_zero() {
        return std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(Ok(out)),
            Poll::Pending => Poll::Ready(Err(())),
        })
        .await;
    }
    match select(fut, runtime.sleep(limit)).await {
        Either::Left((out, _)) => Ok(out),
        Either::Right(((), _)) => Err(()),
    }
}
