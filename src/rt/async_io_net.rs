//! Sockets and timers on the async-io reactor, shared by smol and async-std
//! (both run on it, so they share one implementation).

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use async_io::Async;

use super::readiness::ReadinessFirst;
use super::{BoxFuture, BoxSocket, TcpOptions};

/// Connects to the first address that accepts, in order.
///
/// `readiness_first` wraps the socket in [`ReadinessFirst`]: measured to save a
/// `read` per reply on smol; on async-std it costs more wake-ups than it saves.
pub(crate) async fn connect_tcp(
    addrs: impl IntoIterator<Item = SocketAddr>,
    options: &TcpOptions,
    readiness_first: bool,
) -> io::Result<BoxSocket> {
    let mut last_error = None;
    for addr in addrs {
        match Async::<TcpStream>::connect(addr).await {
            Ok(stream) => {
                options.apply(stream.get_ref())?;
                return Ok(if readiness_first {
                    Box::new(ReadinessFirst::new(stream))
                } else {
                    Box::new(stream)
                });
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "the host name resolved to no address")))
}

#[cfg(unix)]
pub(crate) async fn connect_unix(path: &Path, readiness_first: bool) -> io::Result<BoxSocket> {
    let stream = Async::<std::os::unix::net::UnixStream>::connect(path).await?;
    Ok(if readiness_first {
        Box::new(ReadinessFirst::new(stream))
    } else {
        Box::new(stream)
    })
}

#[cfg(not(unix))]
pub(crate) async fn connect_unix(_path: &Path, _readiness_first: bool) -> io::Result<BoxSocket> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "Unix sockets are not available on this platform",
    ))
}

/// A sleep on the async-io timer.
pub(crate) fn sleep(duration: Duration) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        async_io::Timer::after(duration).await;
    })
}

/// A literal IP address needs no resolver.
pub(crate) fn literal_addr(host: &str, port: u16) -> Option<SocketAddr> {
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, port))
}
