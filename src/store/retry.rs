//! One more try on a live connection when a statement's connection was dead.
//!
//! The pool hands out idle connections without pinging them first
//! (`test_before_acquire(false)`): that ping cost every click a round trip.
//! After Postgres restarts, or a network path drops, the idle connections
//! are dead, and the first statement on each fails with an I/O error,
//! "connection closed" or `57P01 admin_shutdown`.
//!
//! What sqlx 0.8.6 does with such a connection (`sqlx-core/src/pool/`): on
//! release, `Floating::return_to_pool` pings it and closes it if the ping
//! fails, so a connection that failed is not handed out again. But the other
//! idle connections are just as dead and still queued, and `acquire` pops
//! them without a check, so a plain second try would most likely fail the
//! same way. Hence the retry acquires, pings (only on this path) and closes
//! every dead connection it meets, until a ping succeeds or the pool opens a
//! fresh connection, all within the pool's acquire timeout; then it runs the
//! statement once more. Only once: if Postgres is really down, the learner
//! is told at once.
//!
//! Running a statement twice is safe because every write is idempotent or
//! keyed by its interaction id (see the store's module doc): if the first
//! try committed before its connection broke, the second finds it done.

use std::future::Future;

use sqlx::pool::PoolConnection;
use sqlx::{Connection, Postgres};

use super::{Store, StoreError};

impl Store {
    /// Runs `statement` on a pooled connection; if that connection turns
    /// out to be dead, once more on one proven live.
    pub(super) async fn run<T, F, Fut>(
        &self,
        op: &'static str,
        mut statement: F,
    ) -> Result<T, StoreError>
    where
        F: FnMut(PoolConnection<Postgres>) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let err = |source| StoreError { op, source };
        let conn = self.pool.acquire().await.map_err(err)?;
        match statement(conn).await {
            Err(e) if is_broken_connection(&e) => {
                tracing::info!(op, error = %e, "a pooled connection was dead; trying once more");
                let conn = self.live_connection().await.map_err(err)?;
                statement(conn).await.map_err(err)
            }
            other => other.map_err(err),
        }
    }

    /// A connection that answered a ping: dead ones met on the way are
    /// closed, not returned. Bounded by the pool's size (each dead idle
    /// connection is met at most once, then the pool opens a new one) and by
    /// its acquire timeout.
    async fn live_connection(&self) -> Result<PoolConnection<Postgres>, sqlx::Error> {
        let options = self.pool.options();
        let search = async {
            for _ in 0..=options.get_max_connections() {
                let mut conn = self.pool.acquire().await?;
                match conn.ping().await {
                    Ok(()) => return Ok(conn),
                    Err(e) if is_broken_connection(&e) => {
                        conn.close_on_drop();
                    }
                    Err(e) => return Err(e),
                }
            }
            // Every slot was dead and still is: Postgres is not back yet.
            Err(sqlx::Error::PoolTimedOut)
        };
        tokio::time::timeout(options.get_acquire_timeout(), search)
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
    }
}

/// Whether an error says the connection itself is gone (so the statement
/// may be run again elsewhere), as opposed to the statement failing.
pub(super) fn is_broken_connection(e: &sqlx::Error) -> bool {
    match e {
        // Reset, broken pipe, or the stream ended early (sqlx reports a read
        // that hits EOF as UnexpectedEof): the socket is gone.
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08: connection exception; 57P01..57P03: the server shut down,
            // crashed or is starting up (admin_shutdown, crash_shutdown,
            // cannot_connect_now).
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_count_as_a_broken_connection_and_pool_timeouts_do_not() {
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(is_broken_connection(&sqlx::Error::Io(reset)));
        assert!(!is_broken_connection(&sqlx::Error::PoolTimedOut));
        assert!(!is_broken_connection(&sqlx::Error::RowNotFound));
    }
}
