//! Handlers: code run for each message of one subscription, instead of the
//! message being returned to a reader.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::Publication;
use crate::rt::BoxFuture;

type SyncFn = dyn Fn(Publication) + Send + Sync;
type AsyncFn = dyn Fn(Publication) -> BoxFuture<'static, ()> + Send + Sync;

/// Code to run for every message of a subscription, given to
/// [`super::PubSub::subscribe_with`] (and the pattern and shard forms).
///
/// A message with a handler is handed to it by whoever reads the handle
/// ([`super::PubSub::get_message`], the message stream, or the worker of
/// [`super::PubSub::run_handlers`]), and that reader does not return it.
///
/// ```
/// use anyredis::pubsub::Handler;
/// let log = Handler::new(|m| println!("{:?}: {:?}", m.channel_str(), m.payload::<String>()));
/// let store = Handler::from_async(|m| async move {
///     // e.g. write it somewhere with another client
///     let _ = m.payload_bytes().len();
/// });
/// # let _ = (log, store);
/// ```
#[derive(Clone)]
pub struct Handler(Kind);

#[derive(Clone)]
enum Kind {
    Sync(Arc<SyncFn>),
    Async(Arc<AsyncFn>),
}

impl Handler {
    /// A handler that runs `f` for each message (keep it short: the reader
    /// waits for it).
    pub fn new(f: impl Fn(Publication) + Send + Sync + 'static) -> Handler {
        Handler(Kind::Sync(Arc::new(f)))
    }

    /// A handler that runs the future `f` returns for each message; the reader
    /// awaits it before taking the next message.
    pub fn from_async<F, Fut>(f: F) -> Handler
    where
        F: Fn(Publication) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Handler(Kind::Async(Arc::new(move |m| Box::pin(f(m)))))
    }

    /// Runs the handler: `None` when it is done, or the future to await.
    pub(crate) fn call(&self, message: Publication) -> Option<BoxFuture<'static, ()>> {
        match &self.0 {
            Kind::Sync(f) => {
                f(message);
                None
            }
            Kind::Async(f) => Some(f(message)),
        }
    }
}

impl fmt::Debug for Handler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Kind::Sync(_) => "Handler(sync)",
            Kind::Async(_) => "Handler(async)",
        })
    }
}
