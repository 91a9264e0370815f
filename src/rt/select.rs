//! Racing a future against a timer, on any runtime.

use std::future::Future;
use std::time::Duration;

use futures_util::future::{select, Either};

use super::Runtime;

/// Runs `fut`, giving up after `limit` (no limit when `None`). `Err(())` means the time ran out.
pub(crate) async fn with_timeout<T>(
    runtime: &Runtime,
    limit: Option<Duration>,
    fut: impl Future<Output = T>,
) -> Result<T, ()> {
    let Some(limit) = limit else {
        return Ok(fut.await);
    };
    let fut = std::pin::pin!(fut);
    match select(fut, runtime.sleep(limit)).await {
        Either::Left((out, _)) => Ok(out),
        Either::Right(((), _)) => Err(()),
    }
}
