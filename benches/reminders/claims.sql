-- The statement Store::claim_due_reminders runs (batch 100), timed by psql:
-- 101 batches with every row due and none finished (the backlog after an
-- outage), then 101 in a minute where only that minute is due.
-- Run: psql -d <scratch db> -f benches/reminders/claims.sql | python3 benches/reminders/summary.py
\timing on
\o /dev/null
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
\o
UPDATE reminders SET claimed_until = NULL;
\o /dev/null
UPDATE reminders SET next_at = next_at + interval '1 day' WHERE next_at < '2026-03-02 12:00+00';
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 12:00:30+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 12:00:30+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 12:00:30+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 12:00:30+00') AS due_cards;
\o
EXPLAIN (ANALYZE, BUFFERS) WITH due AS (SELECT learner_id FROM reminders WHERE enabled AND next_at <= '2026-03-02 23:59:00+00' AND (claimed_until IS NULL OR claimed_until <= '2026-03-02 23:59:00+00') ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET claimed_until = '2026-03-02 23:59:00+00'::timestamptz + interval '2 minutes' FROM due WHERE r.learner_id = due.learner_id
RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day, (SELECT count(*) FROM review_cards c WHERE c.learner_id = r.learner_id AND c.due <= '2026-03-02 23:59:00+00') AS due_cards;
