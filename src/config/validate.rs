//! Checks on a whole [`Config`], run by [`crate::ClientBuilder::build`], by URL
//! parsing and before every connect, so that no runtime sees a value it would
//! treat differently from the others.

use std::time::Duration;

use super::{Addr, Config};
use crate::{Error, Result};

/// The longest TCP keepalive idle time accepted: Linux refuses more than
/// 32767 s (`MAX_TCP_KEEPIDLE`).
pub(crate) const MAX_KEEPALIVE: Duration = Duration::from_secs(32_767);

/// Refuses `Some(Duration::ZERO)` for a timeout whose `None` means "no limit".
pub(crate) fn nonzero_limit(name: &str, limit: Option<Duration>) -> Result<()> {
    if limit == Some(Duration::ZERO) {
        return Err(Error::config(format!(
            "{name} must not be zero; use `none` to wait without limit"
        )));
    }
    Ok(())
}

/// TCP keepalive idle time: whole seconds, from 1 s to [`MAX_KEEPALIVE`].
pub(crate) fn keepalive(idle: Option<Duration>) -> Result<()> {
    match idle {
        Some(idle) if idle < Duration::from_secs(1) => Err(Error::config(
            "keepalive must be at least 1s (the kernel counts it in whole seconds); use `none` to turn keepalive off",
        )),
        Some(idle) if idle > MAX_KEEPALIVE => Err(Error::config(format!(
            "keepalive must be at most {}s (the longest idle time the kernel takes)",
            MAX_KEEPALIVE.as_secs()
        ))),
        _ => Ok(()),
    }
}

impl Config {
    /// Checks that the settings make sense together. [`crate::ClientBuilder::build`],
    /// [`Config::from_url`] and every connect run it; call it yourself to
    /// check a `Config` you assembled field by field.
    ///
    /// Refused, with an [`crate::ErrorKind::Config`] error:
    /// - TCP port 0;
    /// - a zero `connect_timeout`, `response_timeout`, `unresponsive_timeout`,
    ///   `pool.acquire_timeout` or `pool.idle_timeout` (write `None` for "no limit");
    /// - `max_in_flight` of 0;
    /// - a TCP keepalive shorter than 1 s or longer than 32767 s;
    /// - `pool.max_connections` of 0;
    /// - a reconnect backoff whose first wait is longer than its cap;
    /// - TLS in a build without the `tls` cargo feature.
    ///
    /// Long durations (up to `Duration::MAX`) are accepted: waits that long
    /// are treated as "no limit", and backoff waits are capped.
    pub fn validate(&self) -> Result<()> {
        if let Addr::Tcp { port: 0, .. } = self.addr {
            return Err(Error::config(
                "port 0 is not a port a server can listen on; give the server's port (Redis uses 6379)",
            ));
        }
        nonzero_limit("connect_timeout", self.connect_timeout)?;
        nonzero_limit("response_timeout", self.response_timeout)?;
        nonzero_limit("the pool's acquire_timeout", self.pool.acquire_timeout)?;
        if self.pool.idle_timeout == Some(Duration::ZERO) {
            return Err(Error::config(
                "the pool's idle_timeout must not be zero; use `none` to keep idle connections",
            ));
        }
        if self.unresponsive_timeout == Some(Duration::ZERO) {
            return Err(Error::config(
                "unresponsive_timeout must not be zero; use `none` to turn the check off",
            ));
        }
        if self.max_in_flight == 0 {
            return Err(Error::config(
                "max_in_flight must be at least 1 (0 would refuse every command)",
            ));
        }
        keepalive(self.tcp.keepalive)?;
        if self.pool.max_connections == 0 {
            return Err(Error::config("max_connections must be at least 1"));
        }
        let (first, cap) = self.reconnect_backoff;
        if first > cap {
            return Err(Error::config(format!(
                "reconnect_backoff: the first wait ({first:?}) is longer than the cap ({cap:?})"
            )));
        }
        if self.tls.is_some() && !cfg!(feature = "tls") {
            return Err(Error::config(
                "TLS (rediss://) needs anyredis's `tls` cargo feature, which this build does not enable",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
// Mirrors how users outside the crate (where the types are non_exhaustive) set fields.
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn refused(config: &Config) -> String {
        let e = config.validate().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
        e.to_string()
    }

    #[test]
    fn zero_timeouts_are_refused() {
        let mut c = Config::default();
        c.response_timeout = Some(Duration::ZERO);
        assert!(refused(&c).contains("use `none` to wait without limit"));
        let mut c = Config::default();
        c.connect_timeout = Some(Duration::ZERO);
        assert!(refused(&c).contains("connect_timeout"));
        let mut c = Config::default();
        c.pool.acquire_timeout = Some(Duration::ZERO);
        assert!(refused(&c).contains("acquire_timeout"));
        let mut c = Config::default();
        c.pool.idle_timeout = Some(Duration::ZERO);
        assert!(refused(&c).contains("idle_timeout"));
        let mut c = Config::default();
        c.tcp.keepalive = Some(Duration::ZERO);
        assert!(refused(&c).contains("keepalive"));
        let mut c = Config::default();
        c.pool.max_connections = 0;
        assert!(refused(&c).contains("max_connections"));
        let mut c = Config::default();
        c.unresponsive_timeout = Some(Duration::ZERO);
        assert!(refused(&c).contains("unresponsive_timeout"));
        let mut c = Config::default();
        c.max_in_flight = 0;
        assert!(refused(&c).contains("max_in_flight"));
    }

    #[test]
    fn port_zero_and_backwards_backoff_are_refused() {
        let mut c = Config::default();
        c.addr = Addr::Tcp {
            host: "h".into(),
            port: 0,
        };
        assert!(refused(&c).contains("port 0"));
        let mut c = Config::default();
        c.reconnect_backoff = (Duration::from_secs(2), Duration::from_secs(1));
        assert!(refused(&c).contains("reconnect_backoff"));
    }

    #[test]
    fn huge_durations_are_accepted() {
        let mut c = Config::default();
        c.connect_timeout = Some(Duration::MAX);
        c.response_timeout = Some(Duration::MAX);
        c.pool.acquire_timeout = Some(Duration::MAX);
        c.pool.idle_timeout = Some(Duration::MAX);
        c.pool.health_check_after = Duration::MAX;
        c.reconnect_backoff = (Duration::MAX, Duration::MAX);
        c.unresponsive_timeout = Some(Duration::MAX);
        c.validate().unwrap();
        c.tcp.keepalive = Some(Duration::MAX);
        assert!(refused(&c).contains("at most 32767s"));
        c.tcp.keepalive = Some(MAX_KEEPALIVE);
        c.validate().unwrap();
        c.tcp.keepalive = None;
        c.validate().unwrap();
    }

    #[test]
    #[cfg(not(feature = "tls"))]
    fn tls_without_the_feature_names_it() {
        let mut c = Config::default();
        c.tls = Some(Default::default());
        assert!(refused(&c).contains("`tls` cargo feature"));
    }
}
