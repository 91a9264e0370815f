//! Running one case on one runtime, with a time limit so a hang fails loudly.
//!
//! Every runtime runs its tasks on more than one thread, so callers that the
//! cases spawn ([`crate::util::spawn`]) really race the connection's driver:
//! tokio on a two-worker multi-thread runtime, async-std on its global
//! executor, smol on an executor of its own driven by [`SMOL_THREADS`]
//! threads (the case's own future runs on the test's thread).

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyredis::Runtime;
use futures_util::future::{select, Either};

use crate::TestResult;

/// No case may run longer than this.
pub const CASE_LIMIT: Duration = Duration::from_secs(60);

/// Threads running each smol case's executor, besides the test's own thread.
pub const SMOL_THREADS: usize = 3;

thread_local! {
    /// The smol executor the current thread runs, for [`crate::util::spawn`].
    static SMOL_EXECUTOR: RefCell<Option<Arc<smol::Executor<'static>>>> = const { RefCell::new(None) };
}

/// The smol executor the calling thread is running a case on, if any.
pub(crate) fn current_smol_executor() -> Option<Arc<smol::Executor<'static>>> {
    SMOL_EXECUTOR.with(|e| e.borrow().clone())
}

fn set_smol_executor(executor: Option<Arc<smol::Executor<'static>>>) {
    SMOL_EXECUTOR.with(|e| *e.borrow_mut() = executor);
}

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

/// Runs `case` on smol: the client's tasks and the case's spawned callers on
/// an executor of its own ([`Runtime::smol_with_executor`]) run by
/// [`SMOL_THREADS`] threads; the case's own future on this thread.
pub fn on_smol<F: Future<Output = TestResult>>(case: fn(Runtime) -> F) {
    let executor = Arc::new(smol::Executor::new());
    let (stop, stopped) = smol::channel::bounded::<()>(1);
    let threads: Vec<_> = (0..SMOL_THREADS)
        .map(|i| {
            let (executor, stopped) = (executor.clone(), stopped.clone());
            std::thread::Builder::new()
                .name(format!("smol-case-{i}"))
                .spawn(move || {
                    set_smol_executor(Some(executor.clone()));
                    let _ = smol::block_on(executor.run(stopped.recv()));
                })
                .expect("smol executor thread")
        })
        .collect();
    // The case itself runs on this thread, outside the executor: some cases
    // block their thread on purpose (a join of a std thread), and async-executor
    // does not hand a blocked runner's queued tasks to the others promptly.
    // Its drivers and spawned callers run on the SMOL_THREADS runners.
    set_smol_executor(Some(executor.clone()));
    let result = smol::block_on(limited(case(Runtime::smol_with_executor(executor.clone()))));
    set_smol_executor(None);
    drop(stop);
    for thread in threads {
        thread.join().expect("smol executor thread panicked");
    }
    check(result);
}

/// Runs `case` on async-std (its global executor's threads run spawned tasks).
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
