//! TLS over any [`BoxSocket`], with rustls (ring provider): written once for
//! every runtime because it only needs `futures_io` traits.

use std::sync::Arc;

use futures_rustls::pki_types::pem::PemObject;
use futures_rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use futures_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use futures_rustls::rustls::crypto::{ring, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use futures_rustls::rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use futures_rustls::TlsConnector;

use crate::config::TlsConfig;
use crate::rt::BoxSocket;
use crate::{Error, Result};

/// Runs the TLS handshake over `socket`, verifying the server as `host`
/// (or `tls.server_name`) unless verification was turned off.
pub(super) async fn wrap(socket: BoxSocket, host: &str, tls: &TlsConfig) -> Result<BoxSocket> {
    let config = client_config(tls)?;
    let name = tls.server_name.as_deref().unwrap_or(host).to_owned();
    let server_name = ServerName::try_from(name.clone())
        .map_err(|_| Error::tls(format!("{name:?} is not a valid TLS server name")))?;
    let stream = TlsConnector::from(Arc::new(config))
        .connect(server_name, socket)
        .await
        .map_err(|e| Error::tls(format!("handshake with {name} failed: {e}")))?;
    Ok(Box::new(stream))
}

fn client_config(tls: &TlsConfig) -> Result<ClientConfig> {
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

fn root_store(tls: &TlsConfig) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if tls.root_certs_pem.is_empty() {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(roots);
    }
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
    Ok(roots)
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
