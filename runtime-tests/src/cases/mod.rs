//! The test cases, one module per topic. Each case takes the runtime to run on.

pub mod auth;
pub mod basic;
pub mod failures;
pub mod pipelines;
pub mod protocol;
pub mod transports;
pub mod urls;
