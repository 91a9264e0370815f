//! Rendering the redis.conf of a test server.

use std::fmt::Write as _;
use std::path::Path;

use crate::acl::AclUser;
use crate::tls::TlsFiles;

/// Everything that goes into one server's redis.conf.
pub(crate) struct ServerConfig<'a> {
    pub dir: &'a Path,
    pub port: u16,
    pub tls_port: Option<u16>,
    pub tls: Option<&'a TlsFiles>,
    pub unix_socket: Option<&'a Path>,
    pub password: Option<&'a str>,
    pub acl_users: &'a [AclUser],
    pub appendonly: bool,
    pub cluster_bus_port: Option<u16>,
}

impl ServerConfig<'_> {
    pub fn render(&self) -> String {
        let mut c = String::new();
        let mut line = |s: String| {
            c.push_str(&s);
            c.push('\n');
        };
        line("# written by anyredis-test-support".into());
        line("bind 127.0.0.1".into());
        line("protected-mode yes".into());
        line(format!("port {}", self.port));
        line("daemonize no".into());
        line("loglevel notice".into());
        line(format!("dir {}", quote_path(self.dir)));
        line(format!(
            "logfile {}",
            quote_path(&self.dir.join(crate::server::LOG_FILE))
        ));
        line("save \"\"".into());
        line(format!("appendonly {}", if self.appendonly { "yes" } else { "no" }));
        if let (Some(port), Some(tls)) = (self.tls_port, self.tls) {
            line(format!("tls-port {port}"));
            line(format!("tls-cert-file {}", quote_path(&tls.server_cert)));
            line(format!("tls-key-file {}", quote_path(&tls.server_key)));
            line(format!("tls-ca-cert-file {}", quote_path(&tls.ca_cert)));
            line(format!(
                "tls-auth-clients {}",
                if tls.client.is_some() { "yes" } else { "no" }
            ));
        }
        if let Some(path) = self.unix_socket {
            line(format!("unixsocket {}", quote_path(path)));
            line("unixsocketperm 700".into());
        }
        if let Some(pw) = self.password {
            line(format!("requirepass {}", quote(pw)));
        }
        for user in self.acl_users {
            line(user.config_line());
        }
        if let Some(bus) = self.cluster_bus_port {
            line("cluster-enabled yes".into());
            // Redis 6 has no cluster-port: its bus is always port + 10000.
            if crate::binary::server_version() >= (7, 0, 0) {
                line(format!("cluster-port {bus}"));
            }
            line(format!(
                "cluster-config-file {}",
                quote_path(&self.dir.join("nodes.conf"))
            ));
        }
        c
    }
}

/// Quotes one config argument the way redis.conf's parser (sdssplitargs)
/// reads it back: double quotes, with `\\`, `\"` and `\xNN` escapes.
pub(crate) fn quote(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('"');
    for b in arg.bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    out
}

fn quote_path(path: &Path) -> String {
    quote(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_sdssplitargs() {
        assert_eq!(quote("abc"), "\"abc\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("é\n"), r#""\xc3\xa9\x0a""#);
    }
}
