//! Group commit (issue #16): the sync batches of every device waiting at one moment are written in one transaction,
//! each in a savepoint of its own, and each device is answered once that transaction is on disk.
//!
//! SQLite commits one transaction at a time, and with `synchronous=FULL` each commit waits for the disk. One commit
//! per sync made every device wait for every other device's commit in turn. Here one task owns the turn at the
//! writer: it takes every batch that is waiting (up to [`MAX_GROUP`]), runs them in order, and commits once.
//!
//! - **All-or-nothing per batch.** A batch that fails (a refused event, a database error) is rolled back to its
//!   savepoint; the other batches of the group are not touched, and it is answered with its own error.
//! - **Acknowledged = on disk.** No batch is answered before the commit returned. If the commit fails, every batch of
//!   the group is answered with that error and nothing of the group is stored; the phones send again.
//! - **Cancel-safe.** The transaction belongs to this task, not to a request: a client that goes away cannot drop it
//!   half-way (sqlx #3932).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;
use sqlx::{Acquire, Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

/// The most batches written in one transaction: a group waits for its last batch before any is answered.
pub const MAX_GROUP: usize = 32;

/// A batch's work inside the group's transaction.
pub type Work<T, E> = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send>;

/// Tells a batch how its group ended: `None` once committed, or why the group was not.
type Answer = Box<dyn FnOnce(Option<String>) + Send>;
type Job = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> Pin<Box<dyn Future<Output = (bool, Answer)> + Send + 'c>> + Send>;

/// Where batches are sent to be written. Cheap to clone.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
    counts: Arc<Counts>,
}

/// How many groups were committed, and the batches in them (each batch counted whether it was stored or refused).
#[derive(Debug, Default)]
struct Counts {
    groups: AtomicU64,
    batches: AtomicU64,
}

/// Why a batch was not written: the group's commit failed, or the task that writes is gone.
#[derive(Debug, thiserror::Error)]
#[error("the group's commit failed: {0}")]
pub struct GroupFailed(pub String);

impl GroupCommit {
    /// Starts the task that writes, on `writer` (the one connection that writes).
    pub fn start(writer: SqlitePool) -> GroupCommit {
        let (jobs, receiver) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        tokio::spawn(run(writer, receiver, counts.clone()));
        GroupCommit { jobs, counts }
    }

    /// The groups committed so far, and the batches they held.
    pub fn committed(&self) -> (u64, u64) {
        (self.counts.groups.load(Ordering::Relaxed), self.counts.batches.load(Ordering::Relaxed))
    }

    /// Runs `work` in the next group's transaction, all-or-nothing, and returns its result once the group is on disk.
    ///
    /// Inside `work`, use only the connection it is given: never `Db::write`, `store::begin_write` or `Db::groups`
    /// again. The group holds the one writer, so any of them would wait for itself.
    pub async fn write<T, E>(&self, work: Work<T, E>) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<GroupFailed> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let result = match AssertUnwindSafe(work(conn)).catch_unwind().await {
                    Ok(result) => result,
                    Err(_) => Err(E::from(GroupFailed("the batch's work panicked".into()))),
                };
                let ok = result.is_ok();
                let answer: Answer = Box::new(move |failed| {
                    let result = match failed {
                        Some(why) if ok => Err(E::from(GroupFailed(why))),
                        _ => result,
                    };
                    // The request may be gone (its client went away): the batch is written all the same.
                    let _ = answer.send(result);
                });
                (ok, answer)
            })
        });
        self.jobs.send(job).map_err(|_| E::from(GroupFailed("the writer has stopped".into())))?;
        // Dropped unanswered: the group failed before this batch's turn, or the writer stopped.
        answered.await.unwrap_or_else(|_| Err(E::from(GroupFailed("the batch was not written".into()))))
    }
}

async fn run(writer: SqlitePool, mut receiver: mpsc::UnboundedReceiver<Job>, counts: Arc<Counts>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while receiver.recv_many(&mut group, MAX_GROUP).await > 0 {
        match write_group(&writer, group.drain(..)).await {
            Ok(answers) => {
                counts.groups.fetch_add(1, Ordering::Relaxed);
                counts.batches.fetch_add(answers.len() as u64, Ordering::Relaxed);
                answers.into_iter().for_each(|answer| answer(None));
            }
            Err((error, answers)) => {
                tracing::error!(%error, batches = answers.len(), "a group commit failed; its batches were not stored");
                let why = error.to_string();
                answers.into_iter().for_each(|answer| answer(Some(why.clone())));
            }
        }
    }
}

/// Writes one group: each job in a savepoint, then one commit. On an error of the transaction itself (not of a job)
/// the jobs not yet run are dropped, which answers them "not written", and the caller answers the rest with it.
async fn write_group(writer: &SqlitePool, jobs: impl Iterator<Item = Job>) -> Result<Vec<Answer>, (sqlx::Error, Vec<Answer>)> {
    let mut answers = Vec::with_capacity(MAX_GROUP);
    let mut tx: Transaction<'static, Sqlite> = match writer.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return Err((e, answers)),
    };
    for job in jobs {
        let mut savepoint = match tx.begin().await {
            Ok(savepoint) => savepoint,
            Err(e) => return Err((e, answers)),
        };
        let (ok, answer) = job(&mut savepoint).await;
        answers.push(answer);
        let ended = if ok { savepoint.commit().await } else { savepoint.rollback().await };
        if let Err(e) = ended {
            return Err((e, answers));
        }
    }
    match tx.commit().await {
        Ok(()) => Ok(answers),
        Err(e) => Err((e, answers)),
    }
}
