//! One connection to one server: opening the socket (TCP, Unix, TLS), the
//! handshake, and the read buffer. Knows nothing of multiplexing, pools or
//! routing: a finished [`serial::Serial`] is handed to the multiplexer.

pub(crate) mod buffer;
mod connect;
mod handshake;
pub(crate) mod serial;
#[cfg(feature = "tls")]
mod tls;
