//! Opening the byte stream a connection runs over: TCP or Unix, then TLS when asked.

use crate::config::{Addr, Config};
use crate::error::RequestState;
use crate::rt::{BoxSocket, Runtime, RuntimeUnavailable};
use crate::{Error, Result};

/// Opens the socket for `config.addr` and wraps it in TLS when `config.tls` is set.
///
/// The configuration is checked first ([`Config::validate`]): a `Config`
/// assembled by hand gets the same errors as one from a builder or a URL.
pub(crate) async fn open_socket(config: &Config, runtime: &Runtime) -> Result<BoxSocket> {
    config.validate()?;
    let socket = match &config.addr {
        Addr::Tcp { host, port } => runtime.transport().connect_tcp(host, *port, &config.tcp).await,
        Addr::Unix(path) => runtime.transport().connect_unix(path).await,
    }
    .map_err(|e| match RuntimeUnavailable::find(&e) {
        Some(unavailable) => Error::runtime(unavailable.to_string()),
        None => Error::connection_lost(
            format!("could not connect to {}: {e}", config.addr),
            RequestState::NotSent,
        ),
    })?;
    match &config.tls {
        None => Ok(socket),
        Some(tls) => wrap_tls(socket, config, tls, runtime).await,
    }
}

#[cfg(feature = "tls")]
async fn wrap_tls(
    socket: BoxSocket,
    config: &Config,
    tls: &crate::config::TlsConfig,
    runtime: &Runtime,
) -> Result<BoxSocket> {
    let host = match &config.addr {
        Addr::Tcp { host, .. } => host.as_str(),
        Addr::Unix(_) => "localhost",
    };
    let peer = config.addr.to_string();
    super::tls::wrap(socket, host, &peer, tls, runtime, config.connect_timeout).await
}

#[cfg(not(feature = "tls"))]
async fn wrap_tls(
    _socket: BoxSocket,
    _config: &Config,
    _tls: &crate::config::TlsConfig,
    _runtime: &Runtime,
) -> Result<BoxSocket> {
    // `Config::validate` refuses this already; kept for a config changed after the check.
    Err(Error::config(
        "TLS (rediss://) needs anyredis's `tls` cargo feature, which this build does not enable",
    ))
}
