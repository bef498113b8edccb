//! Postgres going away while the bot runs: lessons keep showing, a tick that
//! could not be saved says so, nothing panics, and the bot recovers by itself.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use support::round_trips::RoundTripCounter;
use support::tcp_proxy::TcpProxy;
use support::*;
use tutorbot::core::{Core, Outcome};
use tutorbot::store::Store;

/// A core whose pool reaches the test database through a proxy we can cut.
async fn core_behind_proxy(pool: &PgPool) -> (Core, TcpProxy) {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let (proxy, proxied) = TcpProxy::in_front_of_postgres().await;
    let options = proxied.database(&db);
    let proxied = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(1))
        .connect_with(options)
        .await
        .unwrap();
    (
        Core::new(Arc::new(catalog()), Store::from_pool(proxied)),
        proxy,
    )
}

#[sqlx::test]
async fn the_bot_rides_out_a_postgres_outage_and_recovers_without_a_restart(pool: PgPool) {
    let (core, proxy) = core_behind_proxy(&pool).await;
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let tick = |objective: usize| {
        format!(
            "tick:{}:async:{}:{}:1",
            ada.id(),
            lesson.version,
            lesson.objectives[objective].id
        )
    };

    let (answer, _) = ask(&core, &ada.click(&tick(0))).await;
    assert_eq!(answer.outcome, Outcome::Ok);

    proxy.cut();
    let (answer, r) = ask(&core, &ada.lesson("async")).await;
    assert_eq!(answer.outcome, Outcome::Ok, "lessons still show: {r:#}");
    let (answer, r) = ask(&core, &ada.click(&tick(1))).await;
    assert_eq!(answer.outcome, Outcome::Failed);
    assert!(text(&r).contains("couldn't save"), "{}", text(&r));
    let (answer, r) = ask(&core, &ada.command("progress", vec![])).await;
    assert_eq!(answer.outcome, Outcome::Failed);
    assert!(text(&r).contains("couldn't read"), "{}", text(&r));

    proxy.restore();
    let (answer, r) = ask(&core, &ada.click(&tick(1))).await;
    assert_eq!(answer.outcome, Outcome::Ok, "recovered by itself: {r:#}");

    // Read back through the direct pool: exactly what was answered with success.
    let mut stored = Store::from_pool(pool)
        .ticked(ada.id(), tutorbot::content::LessonKey::built_in("async"))
        .await
        .unwrap();
    stored.sort();
    let mut want = vec![
        lesson.objectives[0].id.clone(),
        lesson.objectives[1].id.clone(),
    ];
    want.sort();
    assert_eq!(stored, want);
}

#[sqlx::test]
async fn the_first_tick_after_every_pooled_connection_died_succeeds_first_time(pool: PgPool) {
    // The pool as tutorbot runs it: no ping before each acquire.
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (proxy, proxied) = TcpProxy::in_front_of_postgres().await;
    let size = 4;
    let proxied = Store::pool_options()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(2))
        .connect_with(proxied.database(&db))
        .await
        .unwrap();
    // Fill the pool: `size` connections open at once, then all idle.
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(proxied.acquire().await.unwrap());
    }
    drop(held);
    let core = Core::new(Arc::new(catalog()), Store::from_pool(proxied.clone()));
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let tick = format!(
        "tick:{}:async:{}:{}:1",
        ada.id(),
        lesson.version,
        lesson.objectives[0].id
    );
    // Returned connections are checked (pinged) on release, in a spawned
    // task: wait until all of them are back in the idle queue.
    tokio::time::timeout(Duration::from_secs(10), async {
        while proxied.num_idle() < size as usize {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("every connection returns to the pool");
    assert_eq!(proxied.size(), size, "the pool holds {size} connections");

    // Every pooled connection dies (as at a Postgres restart); Postgres is
    // reachable again before the next click.
    proxy.cut();
    proxy.all_links_closed().await;
    proxy.restore();

    let started = std::time::Instant::now();
    let (answer, r) = ask(&core, &ada.click(&tick)).await;
    eprintln!(
        "first tick after the cut: {:?} in {} ms",
        answer.outcome,
        started.elapsed().as_millis()
    );
    assert_eq!(answer.outcome, Outcome::Ok, "succeeds first time: {r:#}");
    assert_eq!(
        Store::from_pool(pool)
            .ticked(ada.id(), tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
        vec![lesson.objectives[0].id.clone()]
    );
}

#[sqlx::test]
async fn a_tick_takes_one_round_trip_before_its_answer(pool: PgPool) {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (counter, proxied) = RoundTripCounter::in_front_of_postgres().await;
    let one = Store::pool_options()
        .max_connections(1)
        .connect_with(proxied.database(&db))
        .await
        .unwrap();
    let store = Store::from_pool(one.clone());
    let idle = || async {
        // The pool checks a returned connection in a spawned task: wait
        // until it is back.
        tokio::time::timeout(Duration::from_secs(10), async {
            while one.num_idle() < 1 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the connection returns to the pool");
    };
    // The first tick on a connection also prepares the statement.
    store
        .tick(
            1,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    idle().await;

    let before = counter.count();
    let tick = store
        .tick(
            2,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            true,
        )
        .await
        .unwrap();
    // The runtime runs one task at a time and this one has not yielded
    // since the tick returned, so the pool's release check has not run yet.
    let answered = counter.count() - before;
    idle().await;
    let released = counter.count() - before;
    eprintln!("a tick: {answered} round trip(s) before the answer, {released} in all");
    assert_eq!(tick.ticked, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(answered, 1, "the statement, nothing else");
    assert_eq!(
        released, 2,
        "and the pool's check on release, after the answer"
    );
}
