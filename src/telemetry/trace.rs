//! Spans and events for the `tracing` feature, following OpenTelemetry's
//! database semantic conventions (`db.system.name`, `db.operation.name`,
//! `db.namespace`, `server.address`, `server.port`,
//! `db.operation.batch.size`, `error.type`, `db.response.status_code`).
//!
//! Spans are named `redis` at INFO level, target `anyredis`, with
//! `otel.name` (the operation) and `otel.kind = "client"` for
//! tracing-opentelemetry. Argument values are never recorded unless
//! [`crate::ClientBuilder::record_arguments`] asks for them, and then with
//! the same redaction as `Args`'s `Debug` (every argument of `AUTH`,
//! `HELLO`, `MIGRATE`, `ACL`, `CONFIG` and `SENTINEL` hidden).

use tracing::field::Empty;

use super::{Outcome, Telemetry};
use crate::value::Args;

/// Whether command spans are enabled (a subscriber wants INFO from
/// `anyredis`): with no subscriber, one load of tracing's global max level.
pub(crate) fn enabled() -> bool {
    tracing::enabled!(target: "anyredis", tracing::Level::INFO)
}

/// The span of one command or pipeline.
pub(crate) fn command_span(
    telemetry: &Telemetry,
    name: &str,
    batch: Option<usize>,
    args: Option<&Args>,
) -> tracing::Span {
    let span = tracing::info_span!(
        target: "anyredis",
        "redis",
        otel.name = name,
        otel.kind = "client",
        db.system.name = "redis",
        db.operation.name = name,
        db.namespace = telemetry.db,
        server.address = telemetry.host.as_str(),
        server.port = telemetry.port,
        db.operation.batch.size = batch,
        db.query.text = Empty,
        error.type = Empty,
        db.response.status_code = Empty,
        otel.status_code = Empty,
    );
    if telemetry.record_arguments && !span.is_disabled() {
        if let Some(args) = args {
            span.record("db.query.text", tracing::field::debug(args));
        }
    }
    span
}

/// Records how the request ended on its span.
pub(crate) fn record_outcome(span: &tracing::Span, outcome: &Outcome<'_>) {
    match outcome {
        Outcome::Ok => {}
        Outcome::Error(e) => {
            span.record("otel.status_code", "ERROR");
            span.record("error.type", tracing::field::debug(e.kind()));
            if let Some(code) = e.server_code() {
                span.record("db.response.status_code", code);
            }
        }
        Outcome::Cancelled => {
            span.record("error.type", "cancelled");
        }
    }
}
