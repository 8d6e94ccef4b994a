//! TLS to the shared journal's database through rustls (the crate's one TLS
//! stack, as for the platform), unless the URL says `sslmode=disable`.
//! With `sslmode=require` the server's certificate is always verified:
//! against the system's roots (rustls-platform-verifier, as reqwest does for
//! the platform), or against the CA file the URL names with
//! `sslrootcert=PATH` (libpq's name for it; tokio-postgres does not read it,
//! so it is taken out of the URL first). With `sslmode=prefer` (the
//! default), as in libpq, the connection is encrypted whenever the server
//! offers TLS, and the certificate is checked only against a CA the URL
//! names: encryption against a listener on the wire, not proof of the
//! server's name (`require` is that).

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

/// At most this many certificates are read from a `sslrootcert` file.
const MAX_ROOT_CERTS: usize = 256;

/// A rustls client configuration for the database, and whether its last
/// handshake was made (the server may refuse TLS under `prefer`).
#[derive(Clone)]
pub struct RustlsConnect(Arc<rustls::ClientConfig>, Arc<AtomicBool>);

impl std::fmt::Debug for RustlsConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RustlsConnect")
    }
}

impl RustlsConnect {
    /// Verifies against the certificates of `root_cert` (a PEM file), or
    /// the system's roots.
    pub fn new(root_cert: Option<&std::path::Path>) -> Result<RustlsConnect, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let builder = rustls::ClientConfig::builder();
        let cfg = match root_cert {
            Some(path) => {
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                    .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?
                    .take(MAX_ROOT_CERTS)
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("sslrootcert {} is not PEM: {e}", path.display()))?;
                let mut roots = rustls::RootCertStore::empty();
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!(
                        "sslrootcert {} holds no certificate",
                        path.display()
                    ));
                }
                builder.with_root_certificates(roots).with_no_client_auth()
            }
            None => {
                use rustls_platform_verifier::BuilderVerifierExt;
                builder
                    .with_platform_verifier()
                    .map_err(|e| format!("cannot load the system's certificates: {e}"))?
                    .with_no_client_auth()
            }
        };
        Ok(RustlsConnect(Arc::new(cfg), Arc::default()))
    }

    /// Encrypts without checking the server's certificate (libpq's
    /// `sslmode=prefer`); the handshake's signatures are still verified.
    pub fn unverified() -> RustlsConnect {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cfg = rustls::ClientConfig::builder()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth();
        RustlsConnect(Arc::new(cfg), Arc::default())
    }

    /// The same configuration with a flag of its own, for one connection.
    pub fn fresh(&self) -> RustlsConnect {
        RustlsConnect(self.0.clone(), Arc::default())
    }

    /// True once a handshake through this value succeeded.
    pub fn encrypted(&self) -> bool {
        self.1.load(Ordering::Relaxed)
    }
}

/// Takes any certificate (prefer's encryption without authentication), but
/// checks that the server holds its key.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

impl<S> MakeTlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnector;
    type Error = rustls::pki_types::InvalidDnsNameError;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnector, Self::Error> {
        Ok(RustlsConnector {
            cfg: self.0.clone(),
            name: ServerName::try_from(domain.to_string())?,
            done: self.1.clone(),
        })
    }
}

/// One connection's TLS handshake.
pub struct RustlsConnector {
    cfg: Arc<rustls::ClientConfig>,
    name: ServerName<'static>,
    done: Arc<AtomicBool>,
}

impl<S> TlsConnect<S> for RustlsConnector
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let s = tokio_rustls::TlsConnector::from(self.cfg)
                .connect(self.name, stream)
                .await?;
            self.done.store(true, Ordering::Relaxed);
            Ok(RustlsStream(Box::new(s)))
        })
    }
}

/// A TLS stream to the database.
pub struct RustlsStream<S>(Box<tokio_rustls::client::TlsStream<S>>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

/// Takes `sslrootcert=PATH` out of a URL's query (tokio-postgres refuses
/// options it does not know): the URL without it, and the path.
pub fn take_root_cert(url: &str) -> (String, Option<std::path::PathBuf>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut root = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.split_once('=') {
            Some(("sslrootcert", v)) => {
                root = Some(std::path::PathBuf::from(v));
                false
            }
            _ => true,
        })
        .collect();
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, root)
}
