//! Socket options applied to every TCP connection.

use std::io;
use std::time::Duration;

/// TCP socket options a [`super::Transport`] applies after connecting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TcpOptions {
    /// Disable Nagle's algorithm (`TCP_NODELAY`). Default: on, since Redis
    /// requests are small and latency-bound.
    pub nodelay: bool,
    /// Send TCP keepalive probes after this much idle time. Default: 60 s.
    pub keepalive: Option<Duration>,
}

impl Default for TcpOptions {
    fn default() -> TcpOptions {
        TcpOptions {
            nodelay: true,
            keepalive: Some(Duration::from_secs(60)),
        }
    }
}

impl TcpOptions {
    /// Applies these options to a connected TCP socket.
    #[cfg(unix)]
    pub fn apply(&self, socket: &impl std::os::fd::AsFd) -> io::Result<()> {
        let sock = socket2::SockRef::from(socket);
        sock.set_nodelay(self.nodelay)?;
        if let Some(idle) = self.keepalive {
            sock.set_tcp_keepalive(&socket2::TcpKeepalive::new().with_time(idle))?;
        }
        Ok(())
    }

    /// Applies these options to a connected TCP socket.
    #[cfg(windows)]
    pub fn apply(&self, socket: &impl std::os::windows::io::AsSocket) -> io::Result<()> {
        let sock = socket2::SockRef::from(socket);
        sock.set_nodelay(self.nodelay)?;
        if let Some(idle) = self.keepalive {
            sock.set_tcp_keepalive(&socket2::TcpKeepalive::new().with_time(idle))?;
        }
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A connected loopback TCP socket (the listener is only there to accept it).
    fn socket() -> std::net::TcpStream {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap()
    }

    #[test]
    fn options_reach_the_socket() {
        let stream = socket();
        let options = TcpOptions {
            nodelay: true,
            keepalive: Some(Duration::from_secs(77)),
        };
        options.apply(&stream).unwrap();
        let sock = socket2::SockRef::from(&stream);
        assert!(sock.nodelay().unwrap());
        assert!(sock.keepalive().unwrap());
        #[cfg(any(target_os = "linux", target_os = "android"))]
        assert_eq!(sock.keepalive_time().unwrap(), Duration::from_secs(77));

        let stream = socket();
        let options = TcpOptions {
            nodelay: false,
            keepalive: None,
        };
        options.apply(&stream).unwrap();
        let sock = socket2::SockRef::from(&stream);
        assert!(!sock.nodelay().unwrap());
        assert!(!sock.keepalive().unwrap());
    }
}
