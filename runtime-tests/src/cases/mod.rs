//! The test cases, one module per topic. Each case takes the runtime to run on.

pub mod auth;
pub mod basic;
pub mod cache;
pub mod cache_flight;
pub mod cache_herd;
pub mod config_faults;
pub mod ecosystem;
pub mod ecosystem_tracing;
pub mod failures;
pub mod faults;
pub mod help_commands;
pub mod migrate;
pub mod pipelines;
pub mod pool;
pub mod pool_cancel;
pub mod protocol;
pub mod pubsub;
pub mod pubsub_faults;
pub mod resilience;
pub mod routing;
pub mod scripts;
pub mod stream_consumer;
pub mod torture;
pub mod transactions;
pub mod transports;
pub mod urls;
