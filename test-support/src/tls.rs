//! Certificates for TLS test servers, generated with rcgen at server start.

use std::fs;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
    SanType,
};

/// The PEM files of a TLS test server, all inside its temporary directory.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// `ca.crt`: the test CA that signed the server (and client) certificate.
    pub ca_cert: PathBuf,
    /// `server.crt`: for `127.0.0.1` and `localhost`.
    pub server_cert: PathBuf,
    /// `server.key`: PKCS#8, ECDSA P-256.
    pub server_key: PathBuf,
    /// `client.crt` and `client.key`, when client certificates were asked for.
    pub client: Option<(PathBuf, PathBuf)>,
}

/// Generates a CA, a server certificate for `127.0.0.1` and `localhost`, and
/// optionally a client certificate, and writes them as PEM files into `dir`.
pub fn generate_tls_files(dir: &Path, with_client_cert: bool) -> io::Result<TlsFiles> {
    let (ca_cert, ca_key) = ca().map_err(to_io)?;
    let (server_cert, server_key) = leaf(
        "anyredis test server",
        vec![
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::DnsName("localhost".try_into().map_err(to_io)?),
        ],
        ExtendedKeyUsagePurpose::ServerAuth,
        &ca_cert,
        &ca_key,
    )
    .map_err(to_io)?;

    let files = TlsFiles {
        ca_cert: dir.join("ca.crt"),
        server_cert: dir.join("server.crt"),
        server_key: dir.join("server.key"),
        client: with_client_cert.then(|| (dir.join("client.crt"), dir.join("client.key"))),
    };
    fs::write(&files.ca_cert, ca_cert.pem())?;
    fs::write(&files.server_cert, server_cert.pem())?;
    write_key(&files.server_key, &server_key)?;
    if let Some((cert_path, key_path)) = &files.client {
        let (cert, key) = leaf(
            "anyredis test client",
            Vec::new(),
            ExtendedKeyUsagePurpose::ClientAuth,
            &ca_cert,
            &ca_key,
        )
        .map_err(to_io)?;
        fs::write(cert_path, cert.pem())?;
        write_key(key_path, &key)?;
    }
    Ok(files)
}

fn ca() -> Result<(Certificate, KeyPair), rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, "anyredis test CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok((cert, key))
}

fn leaf(
    common_name: &str,
    subject_alt_names: Vec<SanType>,
    usage: ExtendedKeyUsagePurpose,
    ca_cert: &Certificate,
    ca_key: &KeyPair,
) -> Result<(Certificate, KeyPair), rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, common_name);
    params.subject_alt_names = subject_alt_names;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    params.use_authority_key_identifier_extension = true;
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, ca_cert, ca_key)?;
    Ok((cert, key))
}

fn write_key(path: &Path, key: &KeyPair) -> io::Result<()> {
    fs::write(path, key.serialize_pem())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn to_io(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("generating test certificates: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_pem_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = generate_tls_files(dir.path(), true).unwrap();
        for path in [&files.ca_cert, &files.server_cert] {
            let text = fs::read_to_string(path).unwrap();
            assert!(text.starts_with("-----BEGIN CERTIFICATE-----"), "{text}");
        }
        let key = fs::read_to_string(&files.server_key).unwrap();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
        let (cert, key) = files.client.unwrap();
        assert!(cert.exists() && key.exists());
    }
}
