//! anyredis's test suite, written once and run on every runtime.
//!
//! Each case is an `async fn(Runtime) -> TestResult` in [`cases`]. The
//! [`per_runtime!`] macro turns a list of cases into `#[test]` functions
//! named `smol::<module>::<case>`, `async_std::<module>::<case>` and
//! `tokio::<module>::<case>`, each running the case on that runtime, against
//! real `redis-server` processes started by `anyredis-test-support`.

pub mod cases;
pub mod run;
pub mod trace_capture;
pub mod util;

/// What a test case returns: any error fails the test with its message.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Expands a list of cases into one `#[test]` per case and runtime.
///
/// Cases in this crate's [`cases`] module:
/// ```ignore
/// runtime_tests::per_runtime! { basic: [lazy_open, typed_commands], urls: [url_forms] }
/// ```
/// Cases in a module `cases` of the test binary itself (e.g. `tests/cmd_lists.rs`
/// with `mod cases { pub mod lists; }`):
/// ```ignore
/// runtime_tests::per_runtime! { local: lists: [lpush_and_lrange, lpos_options] }
/// ```
// `crate::cases` in the `local` arm is meant to name the calling test binary's module.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! per_runtime {
    (local: $($module:ident : [$($case:ident),* $(,)?]),* $(,)?) => {
        mod smol {
            $(mod $module { $(#[test] fn $case() { $crate::run::on_smol(crate::cases::$module::$case) })* })*
        }
        mod async_std {
            $(mod $module { $(#[test] fn $case() { $crate::run::on_async_std(crate::cases::$module::$case) })* })*
        }
        mod tokio {
            $(mod $module { $(#[test] fn $case() { $crate::run::on_tokio(crate::cases::$module::$case) })* })*
        }
    };
    ($($module:ident : [$($case:ident),* $(,)?]),* $(,)?) => {
        mod smol {
            $(mod $module { $(#[test] fn $case() { $crate::run::on_smol($crate::cases::$module::$case) })* })*
        }
        mod async_std {
            $(mod $module { $(#[test] fn $case() { $crate::run::on_async_std($crate::cases::$module::$case) })* })*
        }
        mod tokio {
            $(mod $module { $(#[test] fn $case() { $crate::run::on_tokio($crate::cases::$module::$case) })* })*
        }
    };
}
