//! The rustls client configuration of a [`TlsConfig`], built once and shared.

use std::sync::{Arc, Mutex};

use futures_rustls::rustls::ClientConfig;

use super::{Secret, TlsConfig};
use crate::Result;

/// The inputs a cached rustls configuration was built from.
#[derive(PartialEq)]
struct Inputs {
    root_certs_pem: Vec<Vec<u8>>,
    client_cert_pem: Option<(Vec<u8>, Secret)>,
    danger_accept_invalid_certs: bool,
}

impl Inputs {
    fn of(tls: &TlsConfig) -> Inputs {
        Inputs {
            root_certs_pem: tls.root_certs_pem.clone(),
            client_cert_pem: tls.client_cert_pem.clone(),
            danger_accept_invalid_certs: tls.danger_accept_invalid_certs,
        }
    }

    fn matches(&self, tls: &TlsConfig) -> bool {
        self.root_certs_pem == tls.root_certs_pem
            && self.client_cert_pem == tls.client_cert_pem
            && self.danger_accept_invalid_certs == tls.danger_accept_invalid_certs
    }
}

/// A rustls [`ClientConfig`] built from a [`TlsConfig`], shared by its clones.
///
/// The public fields of a `TlsConfig` can change after a clone shared this
/// cache, so each lookup checks the inputs and rebuilds when they differ.
#[derive(Clone, Default)]
pub(crate) struct TlsCache(Arc<Mutex<Option<Entry>>>);

/// A built configuration and what it was built from.
type Entry = (Inputs, Arc<ClientConfig>);

impl TlsCache {
    /// The configuration for `tls`, built by `build` the first time (or when
    /// `tls` changed since). Build errors are not cached.
    pub(crate) fn get_or_build(
        &self,
        tls: &TlsConfig,
        build: impl FnOnce(&TlsConfig) -> Result<ClientConfig>,
    ) -> Result<Arc<ClientConfig>> {
        let mut slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((inputs, config)) = &*slot {
            if inputs.matches(tls) {
                return Ok(config.clone());
            }
        }
        let config = Arc::new(build(tls)?);
        *slot = Some((Inputs::of(tls), config.clone()));
        Ok(config)
    }
}
