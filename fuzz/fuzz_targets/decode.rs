//! Feeds arbitrary bytes to the RESP decoder, whole and in arbitrary pieces.
//!
//! Checks that the decoder never panics, that how the bytes are split never changes
//! what comes out (the same values, then the same error), and that every decoded value
//! survives `write_value` and a second decode.
//!
//! Run with `cargo fuzz run decode` (nightly). On stable, build with the coverage flags
//! cargo-fuzz would pass and run the binary directly:
//!
//! ```text
//! RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
//!   -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
//!   -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares \
//!   --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
//!   cargo build --release --target x86_64-unknown-linux-gnu
//! target/x86_64-unknown-linux-gnu/release/decode corpus/decode -max_total_time=60
//! ```
//!
//! Input layout: the first byte seeds the piece sizes and picks small or default
//! limits; the rest is the stream.

#![no_main]

use anyredis::resp::{write_value, Decoder, Limits, ProtocolError, Value};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

// The checks themselves live beside the decoder's tests, which replay this
// target's corpus on stable Rust with the very same code.
include!("../../src/resp/tests/fuzz_checks.rs");

fuzz_target!(|data: &[u8]| check_input(data));
