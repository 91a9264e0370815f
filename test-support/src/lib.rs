//! Test support for anyredis: real `redis-server` processes, started on free
//! loopback ports (127.0.0.1 only) in temporary directories and killed on drop.
//! No mocks.
//!
//! ```no_run
//! use anyredis_test_support::RedisServer;
//!
//! let server = RedisServer::builder().password("pw").appendonly(true).build();
//! assert_eq!(server.raw_command(&["PING"]), "PONG");
//! println!("{}", server.url()); // redis://127.0.0.1:PORT
//! ```
//!
//! The binary is `$REDIS_SERVER_BIN` or `redis-server` on `PATH`; without one
//! every server start panics with one line saying how to install it. Tests
//! are never silently skipped.

mod acl;
mod binary;
mod builder;
mod config;
mod port;
mod proxy;
mod raw;
mod server;
mod tls;

pub use acl::AclUser;
pub use binary::{
    redis_server_binary, redis_server_version, server_supports_tls, server_version, REDIS_SERVER_BIN_ENV,
};
pub use builder::ServerBuilder;
pub use port::{free_port, LOOPBACK};
pub use proxy::{Fault, FaultProxy};
pub use raw::{RawConnection, RawReply, RAW_TIMEOUT};
pub use server::{RedisServer, LOG_FILE};
pub use tls::{generate_tls_files, TlsFiles};

#[cfg(test)]
mod proxy_tests;
#[cfg(test)]
mod server_tests;
