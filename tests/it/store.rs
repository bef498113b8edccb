//! Every store operation against a real, fresh Postgres database.

use sqlx::PgPool;
use tutorbot::store::Store;

#[sqlx::test]
async fn a_tick_is_stored_and_read_back(pool: PgPool) {
    let store = Store::from_pool(pool);
    store
        .set_mark(7, "async", "explain-await", true)
        .await
        .unwrap();
    assert_eq!(
        store.ticked(7, "async").await.unwrap(),
        vec!["explain-await"]
    );
    assert!(store.ticked(7, "python-setup").await.unwrap().is_empty());
    assert!(
        store.ticked(8, "async").await.unwrap().is_empty(),
        "another learner sees nothing"
    );
}

#[sqlx::test]
async fn unticking_keeps_the_row_but_clears_the_tick(pool: PgPool) {
    let store = Store::from_pool(pool);
    store.set_mark(7, "async", "a", true).await.unwrap();
    store.set_mark(7, "async", "a", false).await.unwrap();
    assert!(store.ticked(7, "async").await.unwrap().is_empty());
    let marks = store.marks(7).await.unwrap();
    assert_eq!(marks.len(), 1);
    assert!(!marks[0].ticked);
}

#[sqlx::test]
async fn the_same_tick_delivered_twice_lands_once_and_keeps_its_date(pool: PgPool) {
    let store = Store::from_pool(pool);
    store.set_mark(7, "async", "a", true).await.unwrap();
    let first = store.marks(7).await.unwrap()[0].updated_at;
    store.set_mark(7, "async", "a", true).await.unwrap();
    let marks = store.marks(7).await.unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].updated_at, first, "a repeat is not a change");
}

#[sqlx::test]
async fn two_concurrent_ticks_of_the_same_objective_leave_one_ticked_row(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    // Many at once, each on its own connection, racing on the same row and
    // on the learner's first row.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.set_mark(42, "async", "gather", true).await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("no concurrent tick fails");
    }
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM checklist_marks WHERE learner_id = 42")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rows, 1);
    let learners: i64 = sqlx::query_scalar("SELECT count(*) FROM learners")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(learners, 1);
    assert_eq!(store.ticked(42, "async").await.unwrap(), vec!["gather"]);
}

#[sqlx::test]
async fn learner_data_lists_everything_stored(pool: PgPool) {
    let store = Store::from_pool(pool);
    assert!(!store.learner_data(7).await.unwrap().known);
    store.set_mark(7, "async", "a", true).await.unwrap();
    store.set_mark(7, "python-setup", "b", false).await.unwrap();
    let data = store.learner_data(7).await.unwrap();
    assert!(data.known);
    assert!(data.since.is_some());
    assert_eq!(data.marks.len(), 2);
}

#[sqlx::test]
async fn forget_me_leaves_nothing_behind_in_any_table(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    store.set_mark(7, "async", "a", true).await.unwrap();
    store.set_mark(7, "async", "b", true).await.unwrap();
    store.set_mark(8, "async", "a", true).await.unwrap();
    sqlx::query("INSERT INTO quiz_attempts (learner_id, lesson_id, quiz_version, seed) VALUES (7, 'async', '0123abcd', 1)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO quiz_answers (attempt_id, question_id, choice_id, correct) SELECT id, 'q', 'c', true FROM quiz_attempts")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO demo_runs (learner_id, demo, n) VALUES (7, 'gather', 5)")
        .execute(&pool)
        .await
        .unwrap();

    assert!(store.forget(7).await.unwrap());
    assert!(
        !store.forget(7).await.unwrap(),
        "a second forget finds nothing"
    );

    for (table, column) in [
        ("learners", "id"),
        ("checklist_marks", "learner_id"),
        ("quiz_attempts", "learner_id"),
        ("demo_runs", "learner_id"),
    ] {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE {column} = 7"))
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table} still holds learner 7");
    }
    let answers: i64 = sqlx::query_scalar("SELECT count(*) FROM quiz_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(answers, 0);
    assert_eq!(
        store.ticked(8, "async").await.unwrap(),
        vec!["a"],
        "other learners keep theirs"
    );
}

#[sqlx::test]
async fn health_reports_whether_postgres_answers(pool: PgPool) {
    let store = Store::from_pool(pool);
    assert!(store.healthy(std::time::Duration::from_secs(2)).await);
    store.close().await;
    assert!(!store.healthy(std::time::Duration::from_secs(2)).await);
}
