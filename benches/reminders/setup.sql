-- 100,000 learners with a daily reminder (slots spread over the day) and a
-- due card each, in a migrated scratch database (the claim bench, see
-- BENCHMARKS.md). Run: psql -d <scratch db> -f benches/reminders/setup.sql
\set ON_ERROR_STOP 1
TRUNCATE learners CASCADE;
INSERT INTO learners (id) SELECT g FROM generate_series(1, 100000) g;
-- Slots spread over a day; every learner has a card due.
INSERT INTO reminders (learner_id, timezone, at_minute, enabled, next_at)
SELECT g, 'UTC', (g % 1440), true, '2026-03-02 00:00+00'::timestamptz + make_interval(mins => g % 1440)
FROM generate_series(1, 100000) g;
INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
SELECT g, 'async', 'q1', '2026-03-01', 1, 5, 0, 1, 1, 0, 2, '2026-03-01' FROM generate_series(1, 100000) g;
ANALYZE;
