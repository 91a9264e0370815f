//! Running one case on one runtime, with a time limit so a hang fails loudly.

use std::future::Future;
use std::time::Duration;

use anyredis::Runtime;
use futures_util::future::{select, Either};

use crate::TestResult;

/// No case may run longer than this.
pub const CASE_LIMIT: Duration = Duration::from_secs(60);

async fn limited(case: impl Future<Output = TestResult>) -> TestResult {
    let case = std::pin::pin!(case);
    match select(case, async_io::Timer::after(CASE_LIMIT)).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(format!("the case did not finish within {CASE_LIMIT:?}").into()),
    }
}

fn check(result: TestResult) {
    if let Err(e) = result {
        panic!("case failed: {e}");
    }
}

/// Runs `case` on smol.
pub fn on_smol<F: Future<Output = TestResult>>(case: fn(Runtime) -> F) {
    check(smol::block_on(limited(case(Runtime::smol()))));
}

/// Runs `case` on async-std.
pub fn on_async_std<F: Future<Output = TestResult>>(case: fn(Runtime) -> F) {
    check(async_std::task::block_on(limited(case(Runtime::async_std()))));
}

/// Runs `case` on a two-worker tokio runtime.
pub fn on_tokio<F: Future<Output = TestResult>>(case: fn(Runtime) -> F) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    check(rt.block_on(limited(case(Runtime::tokio()))));
}
