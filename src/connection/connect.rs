//! Opening the byte stream a connection runs over: TCP or Unix, then TLS when asked.

use crate::config::{Addr, Config};
use crate::error::RequestState;
use crate::rt::{BoxSocket, Runtime};
use crate::{Error, Result};

/// Opens the socket for `config.addr` and wraps it in TLS when `config.tls` is set.
pub(crate) async fn open_socket(config: &Config, runtime: &Runtime) -> Result<BoxSocket> {
    let socket = match &config.addr {
        Addr::Tcp { host, port } => runtime.transport().connect_tcp(host, *port, &config.tcp).await,
        Addr::Unix(path) => runtime.transport().connect_unix(path).await,
    }
    .map_err(|e| match e.kind() {
        std::io::ErrorKind::Other if e.to_string().contains("no tokio runtime") => Error::runtime(e.to_string()),
        _ => Error::connection_lost(
            format!("could not connect to {}: {e}", config.addr),
            RequestState::NotSent,
        ),
    })?;
    match &config.tls {
        None => Ok(socket),
        Some(tls) => wrap_tls(socket, config, tls).await,
    }
}

#[cfg(feature = "tls")]
async fn wrap_tls(socket: BoxSocket, config: &Config, tls: &crate::config::TlsConfig) -> Result<BoxSocket> {
    let host = match &config.addr {
        Addr::Tcp { host, .. } => host.as_str(),
        Addr::Unix(_) => "localhost",
    };
    super::tls::wrap(socket, host, tls).await
}

#[cfg(not(feature = "tls"))]
async fn wrap_tls(_socket: BoxSocket, _config: &Config, _tls: &crate::config::TlsConfig) -> Result<BoxSocket> {
    Err(Error::config("rediss:// (TLS) needs anyredis's `tls` cargo feature"))
}
