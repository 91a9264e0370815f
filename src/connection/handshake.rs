//! The handshake run on every new connection.
//!
//! RESP3 (the default): one round trip carrying `HELLO 3 [AUTH user pass]
//! [SETNAME name]`, `SELECT db` and `CLIENT SETINFO`. A server without `HELLO`
//! (Redis < 6) or without RESP3 (`NOPROTO`) gets the RESP2 path instead:
//! `AUTH`, `CLIENT SETNAME`, `SELECT`. `CLIENT SETINFO` errors (Redis < 7.2)
//! are ignored.

use crate::config::{Config, Protocol};
use crate::error::ServerError;
use crate::resp::Value;
use crate::value::Args;
use crate::Result;

use super::serial::Serial;

const LIB_NAME: &str = "anyredis";
const LIB_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs the handshake and returns the protocol agreed.
pub(super) async fn run(conn: &mut Serial, config: &Config) -> Result<Protocol> {
    if config.protocol == Protocol::Resp3 {
        let mut batch = vec![hello(config)];
        let tail = after_auth(config);
        batch.extend(tail.iter().cloned());
        let replies = conn.request_many(&batch).await?;
        match replies.split_first() {
            Some((Value::Error(line), _)) if hello_unsupported(&ServerError::new(line.clone())) => {}
            Some((Value::Error(line), _)) => return Err(ServerError::new(line.clone()).into()),
            Some((_, rest)) => {
                check(config, rest)?;
                return Ok(Protocol::Resp3);
            }
            None => {
                return Err(crate::Error::connection_lost(
                    "the handshake got no reply",
                    crate::RequestState::Unknown,
                ))
            }
        }
    }
    let mut batch = Vec::new();
    if let Some(password) = &config.password {
        let mut auth = Args::new();
        auth.push(b"AUTH");
        if let Some(user) = &config.username {
            auth.push(user.as_bytes());
        }
        auth.push(password.expose().as_bytes());
        batch.push(auth);
    }
    if let Some(name) = &config.client_name {
        let mut setname = Args::new();
        setname.push(b"CLIENT");
        setname.push(b"SETNAME");
        setname.push(name.as_bytes());
        batch.push(setname);
    }
    let setname_count = batch.len();
    batch.extend(after_auth(config));
    let replies = conn.request_many(&batch).await?;
    let (setname, rest) = replies.split_at(setname_count.min(replies.len()));
    for reply in setname {
        if let Value::Error(line) = reply {
            return Err(ServerError::new(line.clone()).into());
        }
    }
    check(config, rest)?;
    Ok(Protocol::Resp2)
}

fn hello(config: &Config) -> Args {
    let mut args = Args::new();
    args.push(b"HELLO");
    args.push(b"3");
    if let Some(password) = &config.password {
        args.push(b"AUTH");
        args.push(config.username.as_deref().unwrap_or("default").as_bytes());
        args.push(password.expose().as_bytes());
    }
    if let Some(name) = &config.client_name {
        args.push(b"SETNAME");
        args.push(name.as_bytes());
    }
    args
}

/// `SELECT` (when the database is not 0) then `CLIENT SETINFO` twice (when enabled).
fn after_auth(config: &Config) -> Vec<Args> {
    let mut out = Vec::new();
    if config.db != 0 {
        let mut select = Args::new();
        select.push(b"SELECT");
        select.push_int(config.db);
        out.push(select);
    }
    if config.set_lib_info {
        for (attr, value) in [("LIB-NAME", LIB_NAME), ("LIB-VER", LIB_VERSION)] {
            let mut setinfo = Args::new();
            setinfo.push(b"CLIENT");
            setinfo.push(b"SETINFO");
            setinfo.push(attr.as_bytes());
            setinfo.push(value.as_bytes());
            out.push(setinfo);
        }
    }
    out
}

/// Checks the replies of [`after_auth`]: `SELECT` must succeed; `SETINFO` may fail.
fn check(config: &Config, replies: &[Value]) -> Result<()> {
    if config.db != 0 {
        if let Some(Value::Error(line)) = replies.first() {
            return Err(ServerError::new(line.clone()).into());
        }
    }
    Ok(())
}

/// `HELLO` is missing (Redis < 6, or renamed away: `ERR unknown command`) or
/// RESP3 is refused (`NOPROTO`). Decided by the error code; the message is
/// read only for `ERR`, the code Redis uses for unknown commands.
fn hello_unsupported(error: &ServerError) -> bool {
    match error.code() {
        "NOPROTO" => true,
        "ERR" => error.message().to_ascii_lowercase().starts_with("unknown command"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsupported(line: &'static str) -> bool {
        hello_unsupported(&ServerError::new(bytes::Bytes::from_static(line.as_bytes())))
    }

    #[test]
    fn hello_fallback_is_decided_by_the_error_code() {
        assert!(unsupported("NOPROTO unsupported protocol version"));
        assert!(unsupported(
            "ERR unknown command 'HELLO', with args beginning with: '3' "
        ));
        assert!(unsupported(
            "ERR unknown command `HELLO`, with args beginning with: `3`, "
        ));
        // An auth failure that merely mentions the words is not a missing HELLO.
        assert!(!unsupported(
            "WRONGPASS invalid username-password pair or user is disabled."
        ));
        assert!(!unsupported(
            "NOAUTH HELLO must be called with the client already authenticated, unknown command"
        ));
        assert!(!unsupported("ERR wrong number of arguments, unknown command follows"));
    }
}
