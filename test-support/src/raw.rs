//! A few lines of raw RESP over std sockets, for poking a test server
//! without the client under test.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

/// The socket timeout a [`RawConnection`] starts with.
pub const RAW_TIMEOUT: Duration = Duration::from_secs(10);

/// One reply, as read by [`RawConnection`]. RESP3 types are folded into
/// these (maps and sets become arrays, doubles and big numbers simple
/// strings, booleans integers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawReply {
    /// `+OK`
    Simple(String),
    /// `-ERR ...` (text without the `-`)
    Error(String),
    /// `:1`
    Integer(i64),
    /// `$3\r\nfoo`
    Bulk(Vec<u8>),
    /// `$-1`, `*-1`, `_`
    Nil,
    /// `*2 ...`
    Array(Vec<RawReply>),
}

impl RawReply {
    /// Whether this is an error reply.
    pub fn is_error(&self) -> bool {
        matches!(self, RawReply::Error(_))
    }
}

/// Text form: simple strings and errors as they are (`PONG`,
/// `NOAUTH Authentication required.`), integers in decimal, bulk strings
/// lossily as UTF-8, nil as `(nil)`, arrays as their elements one per line.
impl fmt::Display for RawReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawReply::Simple(s) | RawReply::Error(s) => f.write_str(s),
            RawReply::Integer(i) => write!(f, "{i}"),
            RawReply::Bulk(b) => f.write_str(&String::from_utf8_lossy(b)),
            RawReply::Nil => f.write_str("(nil)"),
            RawReply::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
        }
    }
}

enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Stream::Unix(s) => s.flush(),
        }
    }
}

/// A blocking RESP2 connection with timeouts (10 s unless changed).
pub struct RawConnection {
    stream: BufReader<Stream>,
}

impl fmt::Debug for RawConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawConnection")
    }
}

impl RawConnection {
    /// Connects over TCP (the address should be on loopback).
    pub fn connect_tcp(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect_timeout(&addr, RAW_TIMEOUT)?;
        stream.set_nodelay(true)?;
        let mut conn = RawConnection {
            stream: BufReader::new(Stream::Tcp(stream)),
        };
        conn.set_timeout(Some(RAW_TIMEOUT))?;
        Ok(conn)
    }

    /// Connects over a unix socket.
    #[cfg(unix)]
    pub fn connect_unix(path: &Path) -> io::Result<Self> {
        let stream = std::os::unix::net::UnixStream::connect(path)?;
        let mut conn = RawConnection {
            stream: BufReader::new(Stream::Unix(stream)),
        };
        conn.set_timeout(Some(RAW_TIMEOUT))?;
        Ok(conn)
    }

    /// Sets the read and write timeout (`None`: wait forever).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self.stream.get_ref() {
            Stream::Tcp(s) => {
                s.set_read_timeout(timeout)?;
                s.set_write_timeout(timeout)
            }
            #[cfg(unix)]
            Stream::Unix(s) => {
                s.set_read_timeout(timeout)?;
                s.set_write_timeout(timeout)
            }
        }
    }

    /// Sends one command and reads its reply.
    pub fn command<A: AsRef<[u8]>>(&mut self, args: &[A]) -> io::Result<RawReply> {
        self.send(args)?;
        self.read_reply()
    }

    /// Sends one command without reading its reply (e.g. `DEBUG SLEEP`).
    pub fn send<A: AsRef<[u8]>>(&mut self, args: &[A]) -> io::Result<()> {
        let mut buf = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            let arg = arg.as_ref();
            buf.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            buf.extend_from_slice(arg);
            buf.extend_from_slice(b"\r\n");
        }
        let stream = self.stream.get_mut();
        stream.write_all(&buf)?;
        stream.flush()
    }

    /// Reads one reply.
    pub fn read_reply(&mut self) -> io::Result<RawReply> {
        read_reply(&mut self.stream, 0)
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn read_line(r: &mut impl BufRead) -> io::Result<String> {
    let mut line = Vec::new();
    r.read_until(b'\n', &mut line)?;
    if line.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed by the server",
        ));
    }
    if !line.ends_with(b"\r\n") {
        return Err(invalid(format!(
            "reply line not ended by CRLF: {:?}",
            String::from_utf8_lossy(&line)
        )));
    }
    line.truncate(line.len() - 2);
    Ok(String::from_utf8_lossy(&line).into_owned())
}

fn parse_len(s: &str) -> io::Result<i64> {
    s.parse()
        .map_err(|_| invalid(format!("bad length or integer in reply: {s:?}")))
}

fn read_blob(r: &mut impl BufRead, len: i64) -> io::Result<Option<Vec<u8>>> {
    if len < 0 {
        return Ok(None);
    }
    let mut data = vec![0; len as usize + 2];
    r.read_exact(&mut data)?;
    if !data.ends_with(b"\r\n") {
        return Err(invalid("bulk string not ended by CRLF".into()));
    }
    data.truncate(len as usize);
    Ok(Some(data))
}

fn read_reply(r: &mut impl BufRead, depth: usize) -> io::Result<RawReply> {
    if depth > 64 {
        return Err(invalid("reply nested too deeply".into()));
    }
    let line = read_line(r)?;
    let (kind, rest) = match line.chars().next() {
        Some(c) if c.is_ascii() => (c, &line[1..]),
        _ => return Err(invalid(format!("unexpected reply line {line:?}"))),
    };
    Ok(match kind {
        '+' | ',' | '(' => RawReply::Simple(rest.to_string()),
        '-' => RawReply::Error(rest.to_string()),
        ':' => RawReply::Integer(parse_len(rest)?),
        '#' => RawReply::Integer((rest == "t") as i64),
        '_' => RawReply::Nil,
        '$' => read_blob(r, parse_len(rest)?)?.map_or(RawReply::Nil, RawReply::Bulk),
        '=' => match read_blob(r, parse_len(rest)?)? {
            // Verbatim string: skip the `txt:` format prefix.
            Some(b) => RawReply::Bulk(b.get(4..).unwrap_or_default().to_vec()),
            None => RawReply::Nil,
        },
        '!' => match read_blob(r, parse_len(rest)?)? {
            Some(b) => RawReply::Error(String::from_utf8_lossy(&b).into_owned()),
            None => RawReply::Nil,
        },
        '*' | '~' | '>' | '%' | '|' => {
            let n = parse_len(rest)?;
            if n < 0 {
                return Ok(RawReply::Nil);
            }
            let n = if matches!(kind, '%' | '|') { n * 2 } else { n };
            let mut items = Vec::with_capacity(n.min(1024) as usize);
            for _ in 0..n {
                items.push(read_reply(r, depth + 1)?);
            }
            if kind == '|' {
                // An attribute precedes the real reply: skip it.
                return read_reply(r, depth + 1);
            }
            RawReply::Array(items)
        }
        _ => return Err(invalid(format!("unexpected reply line {line:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> RawReply {
        read_reply(&mut BufReader::new(bytes), 0).unwrap()
    }

    #[test]
    fn parses_resp2_and_resp3() {
        assert_eq!(parse(b"+PONG\r\n"), RawReply::Simple("PONG".into()));
        assert_eq!(parse(b"-NOAUTH x\r\n"), RawReply::Error("NOAUTH x".into()));
        assert_eq!(parse(b":-3\r\n"), RawReply::Integer(-3));
        assert_eq!(parse(b"$3\r\na\r\n\r\n"), RawReply::Bulk(b"a\r\n".to_vec()));
        assert_eq!(parse(b"$-1\r\n"), RawReply::Nil);
        assert_eq!(parse(b"*-1\r\n"), RawReply::Nil);
        assert_eq!(parse(b"*2\r\n$4\r\nport\r\n:7\r\n").to_string(), "port\n7");
        assert_eq!(
            parse(b"%1\r\n+a\r\n#t\r\n"),
            RawReply::Array(vec![RawReply::Simple("a".into()), RawReply::Integer(1)])
        );
        assert_eq!(parse(b"=8\r\ntxt:abcd\r\n"), RawReply::Bulk(b"abcd".to_vec()));
        assert_eq!(parse(b"|1\r\n+k\r\n+v\r\n:5\r\n"), RawReply::Integer(5));
        let err = read_reply(&mut BufReader::new(&b"+PONG"[..]), 0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
        let err = read_reply(&mut BufReader::new(&b""[..]), 0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    }
}
