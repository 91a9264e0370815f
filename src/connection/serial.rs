//! A connection before it is shared: one request batch at a time, in order.
//! Used to open the socket and run the handshake; the socket is then handed to
//! a multiplexer driver (`src/multiplex/`).

use std::future::poll_fn;

use bytes::BytesMut;
use futures_util::AsyncWriteExt;

use crate::config::{Config, Protocol};
use crate::error::RequestState;
use crate::resp::Value;
use crate::rt::{with_timeout, BoxSocket, Runtime};
use crate::value::Args;
use crate::{Error, Result};

use super::buffer::ReadBuffer;
use super::connect::open_socket;
use super::handshake;
use crate::telemetry::socket::Counted;

/// A freshly opened connection, used until its handshake is done.
pub(crate) struct Serial {
    socket: BoxSocket,
    read: ReadBuffer,
    write: BytesMut,
    runtime: Runtime,
    response_timeout: Option<std::time::Duration>,
    protocol: Protocol,
    /// Set while a request is in flight; still set afterwards if it was cancelled.
    busy: bool,
    broken: Option<String>,
}

impl Serial {
    /// Connects to the server in `config` and runs the handshake, within the connect timeout.
    pub(crate) async fn connect(config: &Config, runtime: &Runtime) -> Result<Serial> {
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let result = Serial::connect_within_limit(config, runtime).await;
        #[cfg(feature = "tracing")]
        match &result {
            Ok(conn) => crate::telemetry::event!(
                DEBUG,
                server = %config.addr,
                elapsed_ms = started.elapsed().as_millis(),
                protocol = ?conn.protocol,
                "connected"
            ),
            Err(e) => crate::telemetry::event!(
                WARN,
                server = %config.addr,
                elapsed_ms = started.elapsed().as_millis(),
                error = %e,
                "connect failed"
            ),
        }
        result
    }

    async fn connect_within_limit(config: &Config, runtime: &Runtime) -> Result<Serial> {
        let limit = config.connect_timeout;
        with_timeout(runtime, limit, async {
            let socket = open_socket(config, runtime).await?;
            Serial::from_socket(socket, config, runtime).await
        })
        .await
        .unwrap_or_else(|()| {
            Err(Error::timeout(
                "connecting",
                limit.unwrap_or_default(),
                RequestState::NotSent,
            ))
        })
    }

    /// Runs the handshake (HELLO / AUTH / SELECT / CLIENT SETNAME) over an open stream.
    pub(crate) async fn from_socket(socket: BoxSocket, config: &Config, runtime: &Runtime) -> Result<Serial> {
        let telemetry = config.instruments.live();
        let socket = match telemetry {
            Some(telemetry) => Counted::wrap(socket, telemetry.clone()),
            None => socket,
        };
        let mut conn = Serial {
            socket,
            read: ReadBuffer::new(config.limits),
            write: BytesMut::with_capacity(4096),
            runtime: runtime.clone(),
            response_timeout: config.response_timeout,
            protocol: config.protocol,
            busy: false,
            broken: None,
        };
        conn.protocol = handshake::run(&mut conn, config).await?;
        crate::telemetry::event!(DEBUG, server = %config.addr, protocol = ?conn.protocol, db = config.db, "handshake done");
        if let Some(telemetry) = telemetry {
            telemetry
                .counters
                .connects
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(conn)
    }

    /// Sends several commands in one write and returns their replies in order
    /// (error replies stay [`Value::Error`]).
    pub(crate) async fn request_many(&mut self, commands: &[Args]) -> Result<Vec<Value>> {
        if self.busy && self.broken.is_none() {
            self.broken = Some("an earlier request on this connection was cancelled before its reply was read".into());
        }
        if let Some(reason) = &self.broken {
            return Err(Error::connection_lost(reason.clone(), RequestState::NotSent));
        }
        self.busy = true;
        let limit = self.response_timeout;
        let runtime = self.runtime.clone();
        let result = with_timeout(&runtime, limit, self.exchange(commands)).await;
        let result = match result {
            Ok(r) => r,
            Err(()) => Err(Error::timeout(
                "waiting for a reply",
                limit.unwrap_or_default(),
                RequestState::SentUnanswered,
            )),
        };
        match &result {
            Err(e) if e.breaks_connection() || e.is_timeout() => self.broken = Some(e.to_string()),
            _ => self.busy = false,
        }
        result
    }

    async fn exchange(&mut self, commands: &[Args]) -> Result<Vec<Value>> {
        self.write.clear();
        for args in commands {
            args.write_frame(&mut self.write);
        }
        self.socket
            .write_all(&self.write)
            .await
            .map_err(|e| Error::io("writing a request", e).with_state(RequestState::NotSent))?;
        self.socket
            .flush()
            .await
            .map_err(|e| Error::io("writing a request", e).with_state(RequestState::SentUnanswered))?;
        let mut replies = Vec::with_capacity(commands.len());
        while replies.len() < commands.len() {
            match self.read_frame().await? {
                // Out-of-band pushes (e.g. client-side caching) are not replies.
                Value::Push(_) => continue,
                value => replies.push(value),
            }
        }
        Ok(replies)
    }

    async fn read_frame(&mut self) -> Result<Value> {
        loop {
            if let Some(value) = self.read.next_frame()? {
                return Ok(value);
            }
            let (read, socket) = (&mut self.read, &mut self.socket);
            let n = poll_fn(|cx| read.poll_fill(&mut **socket, cx))
                .await
                .map_err(|e| Error::io("reading a reply", e).with_state(RequestState::SentUnanswered))?;
            if n == 0 {
                return Err(Error::connection_lost(
                    "the server closed the connection",
                    RequestState::SentUnanswered,
                ));
            }
        }
    }

    /// Hands the socket and buffers to the multiplexer.
    pub(crate) fn into_parts(self) -> (BoxSocket, ReadBuffer, Protocol) {
        (self.socket, self.read, self.protocol)
    }
}

impl std::fmt::Debug for Serial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serial")
            .field("runtime", &self.runtime)
            .field("protocol", &self.protocol)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}
