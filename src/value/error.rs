//! The error returned when a reply cannot be converted to the requested Rust type.

use std::borrow::Cow;
use std::fmt;

use super::args::{format_f64, FloatBuf};
use crate::resp::Value;

/// Longest preview of a received payload kept in an error, in characters.
const PREVIEW_CHARS: usize = 32;

/// Why a conversion failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConversionErrorKind {
    /// The reply's RESP type cannot become the requested type (an array where an
    /// integer was expected).
    TypeMismatch,
    /// The RESP type fits, but its content does not: not a number, out of range,
    /// invalid UTF-8.
    InvalidValue,
    /// An aggregate has the wrong number of elements (tuples, odd-length key/value
    /// arrays).
    Length,
    /// The reply (or an element of it, e.g. inside an `EXEC` result) is a server error.
    Server,
}

/// A reply could not be converted to the requested Rust type.
///
/// It names the requested type ([`expected`](Self::expected)), the RESP type that
/// arrived with a short preview of it ([`received`](Self::received), never the whole
/// payload) and, for nested values, where inside the reply the failure happened
/// ([`context`](Self::context)).
///
/// ```text
/// cannot convert a bulk string ("abc") to i64: not an integer
/// expected an array of 2 elements, received an array of 3 elements
/// cannot convert a bulk string ("x") to i64: not an integer (in element 1 of value for key "scores")
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ConversionError(Box<Inner>);

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: ConversionErrorKind,
    expected: Cow<'static, str>,
    received: String,
    reason: Option<Cow<'static, str>>,
    /// Innermost first, joined with " of ".
    context: String,
    /// The full message of a server error.
    server_message: Option<String>,
}

impl ConversionError {
    fn build(
        kind: ConversionErrorKind,
        expected: impl Into<Cow<'static, str>>,
        received: String,
        reason: Option<Cow<'static, str>>,
    ) -> Self {
        ConversionError(Box::new(Inner {
            kind,
            expected: expected.into(),
            received,
            reason,
            context: String::new(),
            server_message: None,
        }))
    }

    /// The reply's RESP type cannot be converted to `expected`.
    pub fn type_mismatch(expected: impl Into<Cow<'static, str>>, received: &Value) -> Self {
        Self::build(ConversionErrorKind::TypeMismatch, expected, describe(received), None)
    }

    /// The reply's type fits `expected` but its content does not, for `reason`
    /// (a short lowercase phrase such as `"not an integer"`).
    pub fn invalid_value(
        expected: impl Into<Cow<'static, str>>,
        received: &Value,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::build(
            ConversionErrorKind::InvalidValue,
            expected,
            describe(received),
            Some(reason.into()),
        )
    }

    /// The reply could not become `expected`, for `reason`, when the
    /// offending value is not at hand (e.g. a message from a serde
    /// `Deserialize` implementation: "missing field `age`").
    pub fn custom(expected: impl Into<Cow<'static, str>>, reason: impl Into<Cow<'static, str>>) -> Self {
        Self::build(
            ConversionErrorKind::InvalidValue,
            expected,
            "the reply".to_owned(),
            Some(reason.into()),
        )
    }

    /// An aggregate has the wrong length. `expected` describes the wanted shape,
    /// e.g. `"array of 2 elements"`.
    pub fn length_mismatch(expected: impl Into<Cow<'static, str>>, received: &Value) -> Self {
        Self::build(ConversionErrorKind::Length, expected, describe(received), None)
    }

    /// A server error reply (`message`, e.g. `WRONGTYPE ...`) arrived where a value
    /// of type `expected` was wanted.
    pub fn server_error(expected: impl Into<Cow<'static, str>>, message: &[u8]) -> Self {
        let received = format!("error ({})", quoted_preview(message));
        let mut err = Self::build(ConversionErrorKind::Server, expected, received, None);
        err.0.server_message = Some(String::from_utf8_lossy(message).into_owned());
        err
    }

    /// Adds where the failure happened, as seen from one level further out
    /// (e.g. `"element 3"`). Contexts read innermost first:
    /// `element 1 of value for key "x"`.
    pub fn with_context(mut self, context: impl fmt::Display) -> Self {
        use fmt::Write;
        let ctx = &mut self.0.context;
        if !ctx.is_empty() {
            ctx.push_str(" of ");
        }
        let _ = write!(ctx, "{context}");
        self
    }

    /// Why the conversion failed.
    pub fn kind(&self) -> ConversionErrorKind {
        self.0.kind
    }

    /// The requested Rust type (`"i64"`, `"String"`, `"Vec"`, `"(_, _)"`), or for a
    /// length error the wanted shape (`"array of 2 elements"`).
    pub fn expected(&self) -> &str {
        &self.0.expected
    }

    /// The received RESP type with a short preview of the value, e.g.
    /// `bulk string ("abc")`, `integer (300)`, `array of 3 elements`, `nil`.
    pub fn received(&self) -> &str {
        &self.0.received
    }

    /// A short phrase saying what was wrong with the content, for
    /// [`ConversionErrorKind::InvalidValue`] (`"not an integer"`, `"out of range"`).
    pub fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// Where inside the reply the failure happened, innermost first
    /// (`element 1 of value for key "x"`); `None` for the top level.
    pub fn context(&self) -> Option<&str> {
        if self.0.context.is_empty() {
            None
        } else {
            Some(&self.0.context)
        }
    }

    /// The full server error message, for [`ConversionErrorKind::Server`].
    pub fn server_message(&self) -> Option<&str> {
        self.0.server_message.as_deref()
    }

    /// Whether this error is a server error reply.
    pub fn is_server_error(&self) -> bool {
        self.0.kind == ConversionErrorKind::Server
    }
}

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ConversionErrorKind::Length => write!(
                f,
                "expected {}{}, received {}{}",
                article(&self.expected),
                self.expected,
                article(&self.received),
                self.received
            )?,
            ConversionErrorKind::Server => write!(
                f,
                "server error: {}",
                self.server_message.as_deref().unwrap_or_default()
            )?,
            _ => {
                write!(
                    f,
                    "cannot convert {}{} to {}",
                    article(&self.received),
                    self.received,
                    self.expected
                )?;
                if let Some(reason) = &self.reason {
                    write!(f, ": {reason}")?;
                }
            }
        }
        if !self.context.is_empty() {
            write!(f, " (in {})", self.context)?;
        }
        Ok(())
    }
}

/// "a " / "an " before a RESP type name; nothing before "nil".
fn article(noun: &str) -> &'static str {
    match noun.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => "an ",
        _ if noun.starts_with("nil") || noun.starts_with("the ") => "",
        _ => "a ",
    }
}

/// The RESP type name of `value` plus a short preview, e.g. `bulk string ("abc")`.
pub(crate) fn describe(value: &Value) -> String {
    let name = value.type_name();
    match value {
        Value::Nil | Value::Attribute { .. } => name.to_owned(),
        Value::SimpleString(b) | Value::BulkString(b) | Value::Error(b) => {
            format!("{name} ({})", quoted_preview(b))
        }
        Value::Verbatim { text, .. } => format!("{name} ({})", quoted_preview(text)),
        Value::BigNumber(b) => format!("{name} ({})", truncated(b)),
        Value::Integer(n) => format!("{name} ({n})"),
        Value::Double(d) => {
            let mut buf = FloatBuf::new();
            let text = String::from_utf8_lossy(format_f64(*d, &mut buf));
            format!("{name} ({text})")
        }
        Value::Boolean(b) => format!("{name} ({b})"),
        Value::Array(v) | Value::Set(v) | Value::Push(v) => {
            let s = if v.len() == 1 { "" } else { "s" };
            format!("{name} of {} element{s}", v.len())
        }
        Value::Map(m) => {
            let s = if m.len() == 1 { "" } else { "s" };
            format!("{name} of {} pair{s}", m.len())
        }
    }
}

/// A short, quoted, escaped preview of a payload: `"abc"` or `"aaaa"...`.
pub(crate) fn quoted_preview(bytes: &[u8]) -> String {
    let (text, cut) = preview(bytes);
    format!("{text:?}{}", if cut { "..." } else { "" })
}

/// The payload as lossy UTF-8, cut to [`PREVIEW_CHARS`] characters plus `...`.
fn truncated(bytes: &[u8]) -> String {
    let (mut text, cut) = preview(bytes);
    if cut {
        text.push_str("...");
    }
    text
}

/// The first [`PREVIEW_CHARS`] characters of a payload as lossy UTF-8, and whether
/// anything was cut. Only a bounded prefix is decoded, never a whole large payload.
fn preview(bytes: &[u8]) -> (String, bool) {
    let head = bytes.get(..PREVIEW_CHARS.saturating_mul(4)).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head);
    let mut chars = text.chars();
    let out: String = chars.by_ref().take(PREVIEW_CHARS).collect();
    let cut = chars.next().is_some() || head.len() < bytes.len();
    (out, cut)
}

/// How a map key is named in a context: `key "name"`, `key 7`, `key of type array`.
pub(crate) fn key_context(key: &Value) -> String {
    match key {
        Value::SimpleString(b) | Value::BulkString(b) => format!("key {}", quoted_preview(b)),
        Value::Verbatim { text, .. } => format!("key {}", quoted_preview(text)),
        Value::Integer(n) => format!("key {n}"),
        Value::BigNumber(b) => format!("key {}", truncated(b)),
        other => format!("key of type {}", other.type_name()),
    }
}
