//! Every store operation against a real, fresh Postgres database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tutorbot::store::{DemoClaim, Store, Tick};

/// A fresh interaction id: every write names the interaction it serves.
fn fresh() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A second instance: its own pool on the same test database.
async fn another_instance(pool: &PgPool) -> Store {
    let options = pool.connect_options().as_ref().clone();
    let other = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("a second pool on the test database");
    Store::from_pool(other)
}

fn set(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[sqlx::test]
async fn a_tick_is_stored_and_read_back(pool: PgPool) {
    let store = Store::from_pool(pool);
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "explain-await",
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .ticked(7, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
        vec!["explain-await"]
    );
    assert!(store
        .ticked(7, tutorbot::content::LessonKey::built_in("python-setup"))
        .await
        .unwrap()
        .is_empty());
    assert!(
        store
            .ticked(8, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap()
            .is_empty(),
        "another learner sees nothing"
    );
}

#[sqlx::test]
async fn unticking_keeps_the_row_but_clears_the_tick(pool: PgPool) {
    let store = Store::from_pool(pool);
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            false,
        )
        .await
        .unwrap();
    assert!(store
        .ticked(7, tutorbot::content::LessonKey::built_in("async"))
        .await
        .unwrap()
        .is_empty());
    let marks = store.marks(7).await.unwrap();
    assert_eq!(marks.len(), 1);
    assert!(!marks[0].ticked);
}

#[sqlx::test]
async fn the_same_tick_delivered_twice_lands_once_and_keeps_its_date(pool: PgPool) {
    let store = Store::from_pool(pool);
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    let first = store.marks(7).await.unwrap()[0].updated_at;
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
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
            s.tick(
                fresh(),
                42,
                tutorbot::content::LessonKey::built_in("async"),
                "gather",
                true,
            )
            .await
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
    assert_eq!(
        store
            .ticked(42, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
        vec!["gather"]
    );
}

#[sqlx::test]
async fn learner_data_lists_everything_stored(pool: PgPool) {
    let store = Store::from_pool(pool);
    assert!(!store.learner_data(7).await.unwrap().known);
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("python-setup"),
            "b",
            false,
        )
        .await
        .unwrap();
    let data = store.learner_data(7).await.unwrap();
    assert!(data.known);
    assert!(data.since.is_some());
    assert_eq!(data.marks.len(), 2);
}

#[sqlx::test]
async fn forget_me_leaves_nothing_behind_in_any_table(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            true,
        )
        .await
        .unwrap();
    store
        .tick(
            fresh(),
            8,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
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

    assert!(store.forget(fresh(), 7).await.unwrap());
    assert!(
        !store.forget(fresh(), 7).await.unwrap(),
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
        store
            .ticked(8, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
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

#[sqlx::test]
async fn a_tick_writes_and_returns_the_ticked_set_in_one_statement(pool: PgPool) {
    let store = Store::from_pool(pool);
    let tick = store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        tick,
        Tick {
            ticked: set(&["b"]),
            applied: true
        }
    );
    let tick = store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        tick.ticked,
        set(&["a", "b"]),
        "the old rows and the new one, sorted"
    );
    let tick = store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            false,
        )
        .await
        .unwrap();
    assert_eq!(tick.ticked, set(&["a"]), "an untick leaves the set at once");
    let tick = store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    assert_eq!(tick.ticked, set(&["a"]), "a repeat is no change");
    assert_eq!(
        store
            .ticked(7, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
        set(&["a"])
    );
    let other = store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("python-setup"),
            "c",
            true,
        )
        .await
        .unwrap();
    assert_eq!(other.ticked, set(&["c"]), "only this lesson's set");
}

#[sqlx::test]
async fn a_tick_replayed_on_another_instance_after_a_later_untick_changes_nothing(pool: PgPool) {
    let first = Store::from_pool(pool.clone());
    let second = another_instance(&pool).await;
    let (one, two) = (fresh(), fresh());

    let tick = first
        .tick(
            one,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    assert_eq!(tick.ticked, set(&["a"]));
    let untick = first
        .tick(
            two,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            false,
        )
        .await
        .unwrap();
    assert!(untick.applied);
    assert!(untick.ticked.is_empty());

    // Interaction 1 again, elsewhere: no effect, answered with the state now.
    let replay = second
        .tick(
            one,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        replay,
        Tick {
            ticked: vec![],
            applied: false
        }
    );
    assert!(first
        .ticked(7, tutorbot::content::LessonKey::built_in("async"))
        .await
        .unwrap()
        .is_empty());
    assert!(!first.marks(7).await.unwrap()[0].ticked);
    // And interaction 2 again changes nothing either.
    let replay = second
        .tick(
            two,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            false,
        )
        .await
        .unwrap();
    assert!(!replay.applied);
    second.close().await;
}

#[sqlx::test]
async fn the_same_interaction_racing_on_two_instances_has_its_effect_once(pool: PgPool) {
    let first = Store::from_pool(pool.clone());
    let second = another_instance(&pool).await;
    let id = fresh();
    let (a, b) = tokio::join!(
        first.tick(
            id,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true
        ),
        second.tick(
            id,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true
        )
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.applied ^ b.applied, "exactly one applied: {a:?} {b:?}");
    assert_eq!(
        first
            .ticked(7, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
        set(&["a"])
    );
    second.close().await;
}

#[sqlx::test]
async fn a_replayed_forget_me_spares_what_the_learner_did_since(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let other = another_instance(&pool).await;
    let forget = fresh();
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    assert!(store.forget(forget, 7).await.unwrap());
    store
        .tick(
            fresh(),
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            true,
        )
        .await
        .unwrap();

    assert!(
        !other.forget(forget, 7).await.unwrap(),
        "the replay deletes nothing"
    );
    assert_eq!(
        store
            .ticked(7, tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap(),
        set(&["b"])
    );
    other.close().await;
}

#[sqlx::test]
async fn a_replayed_quiz_start_opens_nothing(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let other = another_instance(&pool).await;
    let start = fresh();
    let attempt = store
        .open_attempt(
            start,
            7,
            None,
            tutorbot::content::LessonKey::built_in("async"),
            "v1",
            5,
        )
        .await
        .unwrap()
        .expect("a new attempt");
    store.finish_attempt(attempt.id).await.unwrap();

    let replayed = other
        .open_attempt(
            start,
            7,
            None,
            tutorbot::content::LessonKey::built_in("async"),
            "v1",
            6,
        )
        .await
        .unwrap()
        .expect("the attempt as it is");
    assert_eq!(replayed.id, attempt.id);
    assert!(replayed.finished, "still finished: no new attempt opened");
    assert_eq!(store.attempts(7).await.unwrap().len(), 1);

    // After /forget-me, a replayed start brings nobody back.
    assert!(store.forget(fresh(), 7).await.unwrap());
    assert_eq!(
        other
            .open_attempt(
                start,
                7,
                None,
                tutorbot::content::LessonKey::built_in("async"),
                "v1",
                6
            )
            .await
            .unwrap(),
        None
    );
    assert!(!store.learner_data(7).await.unwrap().known);
    other.close().await;
}

#[sqlx::test]
async fn a_replayed_demo_claim_never_runs_a_second_demo(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let other = another_instance(&pool).await;
    let claim = fresh();
    let first = store
        .claim_demo(claim, 7, "gather", 5, Duration::ZERO)
        .await
        .unwrap();
    assert!(matches!(first, DemoClaim::Claimed(_)), "{first:?}");
    // No cooldown at all, yet the same interaction claims nothing again.
    let again = other
        .claim_demo(claim, 7, "gather", 5, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(again, DemoClaim::Replayed);
    assert_eq!(store.demo_count(7).await.unwrap(), 1);

    // A refusal is kept too: replayed after the cooldown, it still runs nothing.
    let refused = fresh();
    let cooldown = store
        .claim_demo(refused, 7, "gather", 5, Duration::from_secs(3600))
        .await
        .unwrap();
    assert!(matches!(cooldown, DemoClaim::Cooldown(_)), "{cooldown:?}");
    let later = other
        .claim_demo(refused, 7, "gather", 5, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(later, DemoClaim::Replayed);
    assert_eq!(store.demo_count(7).await.unwrap(), 1);
    other.close().await;
}

#[sqlx::test]
async fn old_handled_ids_are_swept_and_recent_ones_kept(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let (old, recent) = (fresh(), fresh());
    store
        .tick(
            old,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    store
        .tick(
            recent,
            7,
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            true,
        )
        .await
        .unwrap();
    sqlx::query(
        "UPDATE handled_interactions SET handled_at = now() - interval '2 hours' WHERE id = $1",
    )
    .bind(old as i64)
    .execute(&pool)
    .await
    .unwrap();

    let deleted = store
        .sweep_handled(Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM handled_interactions")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, vec![recent as i64]);
}

#[sqlx::test]
async fn the_sweeper_ends_when_the_pool_closes(pool: PgPool) {
    let store = Store::from_pool(pool);
    let sweeper = tokio::spawn(
        store
            .clone()
            .sweep_handled_every(Duration::from_secs(3600), Duration::from_secs(3600)),
    );
    store.close().await;
    // Not a sleep: a bound on how long a broken sweeper may hang the test.
    tokio::time::timeout(Duration::from_secs(10), sweeper)
        .await
        .expect("the sweeper ends with the pool")
        .unwrap();
}

/// Rows written before progress had scopes are filed under the server whose
/// lesson they are where the stored uploads or the learner's own attempts
/// settle it, and stay built in otherwise (see the migration's comment).
#[sqlx::test(migrations = false)]
async fn rows_stored_before_scopes_are_filed_under_the_server_whose_lesson_they_are(pool: PgPool) {
    // The schema as it was: every migration before the scope's.
    let before = tempfile::tempdir().unwrap();
    let mut names: Vec<_> = std::fs::read_dir("migrations")
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.as_str() < "20261204000002")
        .collect();
    names.sort();
    for name in &names {
        std::fs::copy(
            std::path::Path::new("migrations").join(name),
            before.path().join(name),
        )
        .unwrap();
    }
    sqlx::migrate::Migrator::new(before.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    // Server 100 uploaded `intro`; servers 100 and 200 both `shared`.
    // Learner 7 ticked in `async` (built in), `intro` and `shared`, and
    // answered `intro`; learner 8 took `shared` in server 200.
    for statement in [
        "INSERT INTO pack_uploads (id, guild_id, uploaded_by, filename)
         VALUES (1, 100, 9, 'a.zip'), (2, 200, 9, 'b.md')",
        "INSERT INTO lesson_pack_versions (guild_id, lesson_id, version, upload_id, format, source, title)
         VALUES (100, 'intro', 1, 1, 'md', 'x', 't'), (100, 'shared', 1, 1, 'md', 'x', 't'),
                (200, 'shared', 1, 2, 'md', 'x', 't')",
        "INSERT INTO learners (id) VALUES (7), (8)",
        "INSERT INTO checklist_marks (learner_id, lesson_id, objective_id, ticked)
         VALUES (7, 'async', 'a', true), (7, 'intro', 'a', true), (7, 'shared', 'a', true),
                (8, 'shared', 'a', true)",
        "INSERT INTO quiz_attempts (learner_id, guild_id, lesson_id, quiz_version, seed)
         VALUES (7, 100, 'intro', 'v', 1), (8, 200, 'shared', 'v', 1), (8, 200, 'async', 'v', 1)",
        "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability, difficulty,
             elapsed_days, scheduled_days, reps, lapses, state, last_review)
         VALUES (7, 'intro', 'q', now(), 1, 5, 0, 1, 1, 0, 2, now()),
                (8, 'shared', 'q', now(), 1, 5, 0, 1, 1, 0, 2, now()),
                (8, 'async', 'q', now(), 1, 5, 0, 1, 1, 0, 2, now())",
        "INSERT INTO exercise_attempts (interaction_id, learner_id, lesson_id, exercise_id, passed,
             wall_ms, code)
         VALUES (1, 7, 'intro', 'e', true, 1, ''), (2, 8, 'async', 'e', true, 1, '')",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }

    sqlx::migrate!("./migrations").run(&pool).await.unwrap();
    let scopes = |table: &str| {
        let sql = format!(
            "SELECT learner_id, lesson_id, scope FROM {table} ORDER BY learner_id, lesson_id"
        );
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64, String, i64)>(&sql)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    let row = |l: i64, lesson: &str, scope: i64| (l, lesson.to_string(), scope);
    assert_eq!(
        scopes("checklist_marks").await,
        vec![
            row(7, "async", 0),
            row(7, "intro", 100),
            // Two servers uploaded `shared` and learner 7 never took its quiz.
            row(7, "shared", 0),
            // Learner 8's attempts at `shared` were all in server 200.
            row(8, "shared", 200),
        ]
    );
    assert_eq!(
        scopes("quiz_attempts").await,
        vec![
            row(7, "intro", 100),
            row(8, "async", 0),
            row(8, "shared", 200)
        ]
    );
    assert_eq!(
        scopes("review_cards").await,
        vec![
            row(7, "intro", 100),
            row(8, "async", 0),
            row(8, "shared", 200)
        ]
    );
    assert_eq!(
        scopes("exercise_attempts").await,
        vec![row(7, "intro", 100), row(8, "async", 0)]
    );
    // The widened key: the same objective of another server's `intro`.
    sqlx::query(
        "INSERT INTO checklist_marks (learner_id, scope, lesson_id, objective_id, ticked)
         VALUES (7, 200, 'intro', 'a', true)",
    )
    .execute(&pool)
    .await
    .unwrap();
}
