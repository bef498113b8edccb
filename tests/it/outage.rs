//! Postgres going away while the bot runs: lessons keep showing, a tick that
//! could not be saved says so, nothing panics, and the bot recovers by itself.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
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
        .ticked(ada.id(), "async")
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
