//! [`Client::from_env`]: the URL from the `REDIS_URL` environment variable,
//! as redis-py, Heroku-style platforms and most Redis tooling expect.

use std::ffi::OsString;

use crate::{Client, ClientBuilder, Error, Result};

/// The environment variable [`Client::from_env`] reads.
pub const REDIS_URL_VAR: &str = "REDIS_URL";

/// The URL used when `REDIS_URL` is unset or empty: the local server's
/// default port and database 0 (the same as [`Client::builder`]).
pub const DEFAULT_URL: &str = "redis://127.0.0.1:6379/0";

impl Client {
    /// A client for the URL in the `REDIS_URL` environment variable, or
    /// [`DEFAULT_URL`] (`redis://127.0.0.1:6379/0`) when it is unset or empty.
    ///
    /// Every form and option of [`Client::open`] is accepted. A value that is
    /// not valid UTF-8 or not a valid URL is an [`crate::ErrorKind::Config`]
    /// error naming the variable (never showing a password). Like
    /// [`Client::open`], this does no I/O. To add settings on top (a hook, a
    /// runtime), start from [`ClientBuilder::from_env`].
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    /// // REDIS_URL=redis://:password@cache.internal:6380/2 ./my-app
    /// let client = Client::from_env()?;
    /// client.set("started", 1).await?;
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientBuilder {
    /// Settings from the URL in `REDIS_URL` (or [`DEFAULT_URL`] when it is
    /// unset or empty), to be refined before [`ClientBuilder::build`]. See
    /// [`Client::from_env`].
    ///
    /// ```
    /// # #[cfg(feature = "smol")] {
    /// let client = anyredis::ClientBuilder::from_env()?
    ///     .client_name("worker-1")
    ///     .runtime(anyredis::Runtime::smol())
    ///     .build()?;
    /// assert_eq!(client.config().client_name.as_deref(), Some("worker-1"));
    /// # }
    /// # Ok::<(), anyredis::Error>(())
    /// ```
    pub fn from_env() -> Result<ClientBuilder> {
        builder_for(std::env::var_os(REDIS_URL_VAR))
    }
}

/// The builder for the variable's value (`None`: unset).
fn builder_for(value: Option<OsString>) -> Result<ClientBuilder> {
    let value = value.unwrap_or_default();
    let Some(url) = value.to_str() else {
        return Err(Error::config(format!("{REDIS_URL_VAR} is not valid UTF-8")));
    };
    let url = url.trim();
    let url = if url.is_empty() { DEFAULT_URL } else { url };
    ClientBuilder::from_url(url).map_err(|e| {
        Error::config(format!(
            "{REDIS_URL_VAR}: {}",
            e.to_string().trim_start_matches("invalid configuration: ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Addr;
    use crate::ErrorKind;

    #[test]
    fn unset_or_empty_means_the_default() {
        for value in [None, Some(OsString::new()), Some(OsString::from("  "))] {
            let builder = builder_for(value).unwrap();
            assert_eq!(builder.config(), &crate::Config::default());
        }
    }

    #[test]
    fn a_url_is_used_as_is() {
        let builder = builder_for(Some("redis://:S3cr3t-canary@cache:6380/2?protocol=2".into())).unwrap();
        let config = builder.config();
        assert_eq!(
            config.addr,
            Addr::Tcp {
                host: "cache".into(),
                port: 6380
            }
        );
        assert_eq!(config.db, 2);
        assert_eq!(config.password.as_ref().map(|p| p.expose()), Some("S3cr3t-canary"));
    }

    #[test]
    fn bad_values_name_the_variable_and_hide_the_password() {
        let err = builder_for(Some("redis://:S3cr3t-canary@cache:0".into())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let text = format!("{err} {err:?}");
        assert!(text.contains("REDIS_URL"), "{text}");
        assert!(!text.contains("S3cr3t-canary"), "{text}");
        let err = builder_for(Some("http://x".into())).unwrap_err();
        assert!(err.to_string().contains("REDIS_URL"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_is_refused() {
        use std::os::unix::ffi::OsStringExt;
        let err = builder_for(Some(OsString::from_vec(vec![b'r', 0xff]))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }
}
