//! TLS over any [`BoxSocket`], with rustls (ring provider): written once for
//! every runtime because it only needs `futures_io` traits.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_rustls::pki_types::pem::PemObject;
use futures_rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use futures_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use futures_rustls::rustls::crypto::{ring, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use futures_rustls::rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use futures_rustls::TlsConnector;

use crate::config::TlsConfig;
use crate::rt::{with_timeout, BoxSocket, Runtime};
use crate::{Error, Result};

/// The time limit on the TLS handshake: [`TlsConfig::HANDSHAKE_LIMIT`], or
/// the connect timeout when that is shorter.
pub(super) fn handshake_limit(connect_timeout: Option<Duration>) -> Duration {
    connect_timeout.map_or(TlsConfig::HANDSHAKE_LIMIT, |limit| {
        limit.min(TlsConfig::HANDSHAKE_LIMIT)
    })
}

/// Runs the TLS handshake over `socket`, verifying the server as `host`
/// (or `tls.server_name`) unless verification was turned off, within
/// [`handshake_limit`]. `peer` names the server in errors.
pub(super) async fn wrap(
    socket: BoxSocket,
    host: &str,
    peer: &str,
    tls: &TlsConfig,
    runtime: &Runtime,
    connect_timeout: Option<Duration>,
) -> Result<BoxSocket> {
    let config = client_config(tls)?;
    let name = tls.server_name.as_deref().unwrap_or(host).to_owned();
    let server_name = ServerName::try_from(name.clone())
        .map_err(|_| Error::tls(format!("{name:?} is not a valid TLS server name")))?;
    let limit = handshake_limit(connect_timeout);
    let handshake = TlsConnector::from(config).connect(server_name, socket);
    let stream = with_timeout(runtime, Some(limit), handshake)
        .await
        .map_err(|()| {
            Error::tls(format!(
                "the TLS handshake with {peer} got no answer within {limit:?}: is this a TLS port? \
                 (a plain-text Redis port stays silent; use redis:// for it)"
            ))
        })?
        .map_err(|e| {
            Error::tls(format!(
                "TLS handshake with {peer} (as {name}) failed: {e} (is this a TLS port?)"
            ))
        })?;
    Ok(Box::new(stream))
}

/// The rustls configuration for `tls`: built on first use, then shared.
fn client_config(tls: &TlsConfig) -> Result<Arc<ClientConfig>> {
    tls.cache.get_or_build(tls, build_client_config)
}

fn build_client_config(tls: &TlsConfig) -> Result<ClientConfig> {
    let provider = Arc::new(ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::tls(format!("no usable TLS protocol version: {e}")))?;
    let builder = if tls.danger_accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCert(provider)))
    } else {
        builder.with_root_certificates(root_store(tls)?)
    };
    match &tls.client_cert_pem {
        None => Ok(builder.with_no_client_auth()),
        Some((chain_pem, key_pem)) => {
            let chain = CertificateDer::pem_slice_iter(chain_pem)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::tls(format!("client certificate is not valid PEM: {e}")))?;
            if chain.is_empty() {
                return Err(Error::tls("the client certificate PEM holds no certificate"));
            }
            let key = PrivateKeyDer::from_pem_slice(key_pem.expose().as_bytes())
                .map_err(|e| Error::tls(format!("client private key is not valid PEM: {e}")))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| Error::tls(format!("client certificate rejected: {e}")))
        }
    }
}

/// The Mozilla root set (webpki-roots), built once per process.
fn webpki_root_store() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            Arc::new(roots)
        })
        .clone()
}

fn root_store(tls: &TlsConfig) -> Result<Arc<RootCertStore>> {
    if tls.root_certs_pem.is_empty() {
        return Ok(webpki_root_store());
    }
    let mut roots = RootCertStore::empty();
    for pem in &tls.root_certs_pem {
        let mut found = false;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| Error::tls(format!("root certificate is not valid PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| Error::tls(format!("root certificate rejected: {e}")))?;
            found = true;
        }
        if !found {
            return Err(Error::tls("a root certificate PEM holds no certificate"));
        }
    }
    Ok(Arc::new(roots))
}

/// Accepts any server certificate; only with `danger_accept_invalid_certs`.
/// Signatures are still checked, so the session keys belong to the certificate shown.
#[derive(Debug)]
struct AcceptAnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, futures_rustls::rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, futures_rustls::rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, futures_rustls::rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
// Mirrors how users outside the crate (where the types are non_exhaustive) set fields.
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;

    #[test]
    fn client_config_is_built_once_and_shared_by_clones() {
        let tls = TlsConfig::default();
        let first = client_config(&tls).unwrap();
        let again = client_config(&tls).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "rebuilt on the second connect");
        let clone = tls.clone();
        assert!(Arc::ptr_eq(&first, &client_config(&clone).unwrap()), "clones share it");

        // Changed settings are not served a stale configuration.
        let mut changed = tls.clone();
        changed.danger_accept_invalid_certs = true;
        let insecure = client_config(&changed).unwrap();
        assert!(!Arc::ptr_eq(&first, &insecure));
        assert!(Arc::ptr_eq(&insecure, &client_config(&changed).unwrap()));
    }

    #[test]
    fn the_default_root_store_is_built_once() {
        assert!(Arc::ptr_eq(&webpki_root_store(), &webpki_root_store()));
        assert!(!webpki_root_store().is_empty());
    }

    #[test]
    fn handshake_limit_is_the_shorter_one() {
        assert_eq!(handshake_limit(None), TlsConfig::HANDSHAKE_LIMIT);
        assert_eq!(handshake_limit(Some(Duration::MAX)), TlsConfig::HANDSHAKE_LIMIT);
        assert_eq!(handshake_limit(Some(Duration::from_secs(2))), Duration::from_secs(2));
    }

    #[test]
    fn bad_client_certificates_are_tls_errors() {
        let mut tls = TlsConfig::default();
        tls.client_cert_pem = Some((b"not pem".to_vec(), crate::config::Secret::new("nor this")));
        let e = client_config(&tls).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Tls, "{e}");
        assert!(!e.to_string().contains("nor this"), "{e}");
    }
}
