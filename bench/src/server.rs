//! The redis-server under test: a throwaway one (started on a free loopback port
//! in a temporary directory, stopped on drop) or one given by URL, plus a plain
//! blocking RESP connection used only outside the timed parts (seeding data,
//! reading `INFO cpu`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A running server: its address and, when we started it, its process.
pub struct Server {
    pub addr: SocketAddr,
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// `redis://host[:port]` on a loopback address. Anything else is refused:
    /// this benchmark only ever talks to this machine.
    pub fn from_url(url: &str) -> Result<Server, Error> {
        let rest = url
            .strip_prefix("redis://")
            .ok_or("--url must look like redis://127.0.0.1:6379")?;
        let hostport = rest.split('/').next().unwrap_or("");
        if hostport.contains('@') {
            return Err("--url with credentials is not supported by the benchmark".into());
        }
        let with_port = if hostport.starts_with('[') {
            if hostport.contains("]:") {
                hostport.to_string()
            } else {
                format!("{hostport}:6379")
            }
        } else if hostport.contains(':') {
            hostport.to_string()
        } else {
            format!("{hostport}:6379")
        };
        let addr = with_port
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| format!("cannot resolve {with_port}"))?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "{} is not a loopback address: the benchmark only runs against this machine",
                addr.ip()
            )
            .into());
        }
        Ok(Server {
            addr,
            child: None,
            _dir: None,
        })
    }

    /// Starts `redis-server --save "" --appendonly no` on a free loopback port.
    pub fn start_throwaway() -> Result<Server, Error> {
        let dir = tempfile::tempdir()?;
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(dir.path())
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start redis-server (is it installed?): {e}"))?;
        let server = Server {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            child: Some(child),
            _dir: Some(dir),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = Plain::connect(server.addr) {
                if c.command(&[b"PING"]).is_ok() {
                    return Ok(server);
                }
            }
            if Instant::now() > deadline {
                return Err("redis-server did not answer PING within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("redis://[{ip}]:{}", self.addr.port()),
            IpAddr::V4(ip) => format!("redis://{ip}:{}", self.addr.port()),
        }
    }

    pub fn version(&self) -> String {
        Plain::connect(self.addr)
            .and_then(|mut c| c.info("server"))
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.trim().strip_prefix("redis_version:").map(str::to_string))
            })
            .unwrap_or_else(|| "?".into())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A reply of the plain connection (RESP2 subset).
#[derive(Debug, PartialEq)]
pub enum Reply {
    Status(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
}

/// A blocking RESP2 connection, never used inside a timed section.
pub struct Plain {
    addr: SocketAddr,
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Plain {
    pub fn connect(addr: SocketAddr) -> Result<Plain, Error> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Plain {
            addr,
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }

    pub fn command(&mut self, args: &[&[u8]]) -> Result<Reply, Error> {
        let mut out = Vec::new();
        Self::encode(&mut out, args);
        self.writer.write_all(&out)?;
        self.read_reply()
    }

    /// Sends all commands in one write, then reads (and returns) all replies.
    pub fn pipeline(&mut self, commands: &[Vec<&[u8]>]) -> Result<Vec<Reply>, Error> {
        let mut out = Vec::new();
        for c in commands {
            Self::encode(&mut out, c);
        }
        self.writer.write_all(&out)?;
        commands.iter().map(|_| self.read_reply()).collect()
    }

    /// SET every (key, value), checking each reply is +OK.
    pub fn set_all(&mut self, pairs: &[(String, Vec<u8>)]) -> Result<(), Error> {
        for chunk in pairs.chunks(500) {
            let cmds: Vec<Vec<&[u8]>> = chunk
                .iter()
                .map(|(k, v)| vec![&b"SET"[..], k.as_bytes(), &v[..]])
                .collect();
            for r in self.pipeline(&cmds)? {
                if r != Reply::Status("OK".into()) {
                    return Err(format!("seeding SET replied {r:?}").into());
                }
            }
        }
        Ok(())
    }

    pub fn info(&mut self, section: &str) -> Result<String, Error> {
        match self.command(&[b"INFO", section.as_bytes()])? {
            Reply::Bulk(Some(b)) => Ok(String::from_utf8_lossy(&b).into_owned()),
            other => Err(format!("INFO replied {other:?}").into()),
        }
    }

    /// The server's used CPU seconds (user + system) so far.
    pub fn server_cpu(&mut self) -> Result<f64, Error> {
        let info = self.info("cpu")?;
        crate::cpu::parse_info_cpu(&info).ok_or_else(|| "INFO cpu lacks used_cpu_sys/user".into())
    }

    fn line(&mut self) -> Result<String, Error> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err("server closed the connection".into());
        }
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }

    fn read_reply(&mut self) -> Result<Reply, Error> {
        let line = self.line()?;
        let (kind, rest) = line.split_at(1.min(line.len()));
        match kind {
            "+" => Ok(Reply::Status(rest.to_string())),
            "-" => Err(format!("server error: {rest}").into()),
            ":" => Ok(Reply::Int(rest.parse()?)),
            "$" => {
                let n: i64 = rest.parse()?;
                if n < 0 {
                    return Ok(Reply::Bulk(None));
                }
                let mut buf = vec![0; n as usize + 2];
                self.reader.read_exact(&mut buf)?;
                buf.truncate(n as usize);
                Ok(Reply::Bulk(Some(buf)))
            }
            "*" => {
                let n: i64 = rest.parse()?;
                let mut items = Vec::new();
                for _ in 0..n.max(0) {
                    items.push(self.read_reply()?);
                }
                Ok(Reply::Array(items))
            }
            _ => Err(format!("unexpected reply line {line:?}").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_loopback_urls() {
        assert!(Server::from_url("redis://10.0.0.1:6379").is_err());
        assert!(Server::from_url("redis://192.168.1.2").is_err());
        assert!(Server::from_url("http://127.0.0.1").is_err());
        assert_eq!(Server::from_url("redis://127.0.0.1:7000/0").unwrap().addr.port(), 7000);
        assert_eq!(Server::from_url("redis://127.0.0.1").unwrap().addr.port(), 6379);
        assert!(Server::from_url("redis://[::1]:7001").unwrap().addr.ip().is_loopback());
    }
}
