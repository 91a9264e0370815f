//! Identity generators: the Redis key a cache entry is stored under.

/// Makes the Redis key for a cache entry from the cache's name, the entry's
/// key and its parameters.
///
/// The default, [`DefaultIdentity`], gives `name:key` when the parameters are
/// empty and `name:key:<SHA1 of the parameters>` otherwise. Any
/// `Fn(&str, &str, &[u8]) -> String` is an identity generator too:
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use anyredis::prelude::*;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// // The entry's key as is, whatever the cache's name and the parameters.
/// let cache = client
///     .cache("example")
///     .identity(|_name: &str, key: &str, _params: &[u8]| key.to_owned())
///     .build();
/// cache.set("example_key", &"value".to_owned(), "", None).await?;
/// let raw: Option<Vec<u8>> = client.get("example_key").await?;
/// assert!(raw.is_some());
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
///
/// Leaving the identity generator out ([`CacheBuilder::no_identity`]) stores
/// each entry under its key as is and ignores the parameters.
///
/// [`CacheBuilder::no_identity`]: super::CacheBuilder::no_identity
pub trait IdentityGenerator: Send + Sync + 'static {
    /// The Redis key of the entry `key` with `params`, in the cache named `name`.
    fn identity(&self, name: &str, key: &str, params: &[u8]) -> String;
}

impl<F> IdentityGenerator for F
where
    F: Fn(&str, &str, &[u8]) -> String + Send + Sync + 'static,
{
    fn identity(&self, name: &str, key: &str, params: &[u8]) -> String {
        self(name, key, params)
    }
}

/// The default identity generator: `name:key`, or `name:key:<digest>` when
/// the parameters are not empty, the digest being the SHA1 of the parameters
/// in lowercase hex. An empty cache name leaves out `name:`.
///
/// ```
/// use anyredis::cache::{DefaultIdentity, IdentityGenerator};
///
/// assert_eq!(DefaultIdentity.identity("users", "42", b""), "users:42");
/// assert_eq!(
///     DefaultIdentity.identity("users", "42", b"lang=en"),
///     format!("users:42:{}", sha1_of("lang=en")),
/// );
/// assert_eq!(DefaultIdentity.identity("", "42", b""), "42");
/// # fn sha1_of(s: &str) -> String {
/// #     anyredis::Script::new(s).sha1().to_owned()
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultIdentity;

impl IdentityGenerator for DefaultIdentity {
    fn identity(&self, name: &str, key: &str, params: &[u8]) -> String {
        let mut out = String::with_capacity(name.len().saturating_add(key.len()).saturating_add(42));
        if !name.is_empty() {
            out.push_str(name);
            out.push(':');
        }
        out.push_str(key);
        if !params.is_empty() {
            out.push(':');
            out.push_str(&sha1_smol::Sha1::from(params).digest().to_string());
        }
        out
    }
}
