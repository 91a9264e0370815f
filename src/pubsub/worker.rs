//! [`HandlerWorker`]: a task on the client's runtime that reads a handle's
//! messages and runs their handlers.

use std::future::{poll_fn, Future};
use std::sync::Arc;
use std::task::Poll;

use futures_channel::oneshot;

use super::reader::{Reader, Step};
use super::session::Session;
use crate::Result;

/// The running worker of [`super::PubSub::run_handlers`].
///
/// [`HandlerWorker::stop`] ends it and closes the handle's connection;
/// dropping the worker also ends it (without waiting), but leaves the
/// handle open.
pub struct HandlerWorker {
    session: Arc<Session>,
    stop: Option<oneshot::Sender<()>>,
    done: Option<oneshot::Receiver<()>>,
}

impl HandlerWorker {
    pub(crate) fn start(session: Arc<Session>) -> Result<HandlerWorker> {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let (finished, done) = oneshot::channel::<()>();
        let task_session = session.clone();
        let task = async move {
            let mut reader = Reader::default();
            // Runs handlers until told to stop (or the handle closes). Messages
            // without a handler (events, or a subscription made later without
            // one) are skipped.
            poll_fn(|cx| loop {
                if stopped.try_recv().map_or(true, |got| got.is_some()) {
                    return Poll::Ready(());
                }
                match reader.poll_step(&task_session, cx) {
                    Poll::Ready(Step::Closed) => return Poll::Ready(()),
                    Poll::Ready(_) => continue,
                    Poll::Pending => {
                        // Registers for the stop signal too.
                        if std::pin::Pin::new(&mut stopped).poll(cx).is_ready() {
                            return Poll::Ready(());
                        }
                        return Poll::Pending;
                    }
                }
            })
            .await;
            let _ = finished.send(());
        };
        session.runtime().spawn(task)?;
        Ok(HandlerWorker {
            session,
            stop: Some(stop),
            done: Some(done),
        })
    }

    /// Stops the worker (an async handler still running is dropped), then
    /// closes the handle's connection and waits until it is closed.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let Some(mux) = self.session.close() {
            mux.finished().await;
        }
    }

    /// Whether the worker has ended (stopped, or its handle was closed).
    pub fn is_finished(&mut self) -> bool {
        !matches!(self.done.as_mut().map(|d| d.try_recv()), Some(Ok(None)))
    }
}

impl std::fmt::Debug for HandlerWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerWorker")
            .field("stopped", &self.stop.is_none())
            .finish_non_exhaustive()
    }
}
