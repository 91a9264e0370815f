//! Converting between Rust values and Redis commands and replies.
//!
//! Two directions, two traits:
//!
//! - **Arguments.** [`ToArgs`] writes a Rust value as zero or more command
//!   arguments into an [`Args`], which keeps them already encoded as RESP bulk
//!   strings. Scalars write one argument (and implement the marker [`ToSingleArg`],
//!   which typed commands require for keys); collections, maps, tuples and `Option`
//!   write each of their parts.
//! - **Replies.** [`FromValue`] turns a decoded reply ([`Value`](crate::resp::Value))
//!   into the caller's type, or a [`ConversionError`] that says what was expected,
//!   what arrived, and where inside the reply.
//!
//! The reply conversions are chosen so that RESP2 and RESP3 servers give the same
//! Rust result for the same command; the table on [`FromValue`] lists every rule.
//!
//! ```
//! use std::collections::HashMap;
//! use anyredis::resp::Value;
//! use anyredis::value::{Args, FromValue, ToArgs};
//!
//! // HSET user:1 name ada age 36
//! let mut args = Args::new();
//! ("HSET", "user:1", [("name", "ada"), ("age", "36")]).write_args(&mut args);
//! assert_eq!(args.len(), 6);
//!
//! // A RESP2 HGETALL reply is a flat array; RESP3 sends a map. Both convert alike.
//! let resp2 = Value::Array(vec![
//!     Value::BulkString("name".into()),
//!     Value::BulkString("ada".into()),
//! ]);
//! let resp3 = Value::Map(vec![(
//!     Value::BulkString("name".into()),
//!     Value::BulkString("ada".into()),
//! )]);
//! let a: HashMap<String, String> = FromValue::from_value(resp2).unwrap();
//! let b: HashMap<String, String> = FromValue::from_value(resp3).unwrap();
//! assert_eq!(a, b);
//! ```

#[cfg(feature = "derive")]
#[doc(hidden)]
#[path = "derive_support.rs"]
pub mod __derive;
mod args;
mod error;
mod from_value;
mod route;
#[cfg(feature = "serde")]
mod serde;

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use self::serde::{Json, Serde};
pub(crate) use args::{format_f64, FloatBuf};
pub use args::{Args, ArgsIter, ToArgs, ToSingleArg};
pub use error::{ConversionError, ConversionErrorKind};
pub use from_value::FromValue;
pub use route::{BlockTime, CommandClass};

#[cfg(all(test, feature = "derive"))]
mod derive_tests;
#[cfg(test)]
mod tests;
