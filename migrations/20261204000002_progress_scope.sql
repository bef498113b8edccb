-- A learner's progress is filed under the lesson's scope as well as its id:
-- 0 for the built-in lessons, otherwise the id of the server (guild) whose
-- pack the lesson is. Two servers may both publish a lesson `intro`; a
-- learner's ticks, attempts, cards and exercise attempts in one are not
-- theirs in the other, and a pack's progress is never shown in another
-- server. Keys and unique indexes are widened to take the scope in.
--
-- Rows written before this migration carry no scope. They are attributed
-- as follows, and otherwise stay built-in (0):
-- 1. a quiz attempt made in a server that has (or had) a pack lesson with
--    its id is that server's (attempts record their guild);
-- 2. any other row of a learner whose attempts at that lesson id were all
--    in one server's pack is that server's (review cards and their log are
--    seeded by those attempts' answers);
-- 3. failing that, a row whose lesson id exactly one server ever uploaded
--    is that server's: uploads refuse built-in ids, so such an id is only
--    a pack's.
-- An id that several servers uploaded and that the learner's attempts do
-- not settle stays 0: it matches no built-in lesson, so it is shown in no
-- lesson, yet /my-data still lists it and /forget-me deletes it.

ALTER TABLE checklist_marks   ADD COLUMN scope BIGINT NOT NULL DEFAULT 0;
ALTER TABLE quiz_attempts     ADD COLUMN scope BIGINT NOT NULL DEFAULT 0;
ALTER TABLE review_cards      ADD COLUMN scope BIGINT NOT NULL DEFAULT 0;
ALTER TABLE review_log        ADD COLUMN scope BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exercise_attempts ADD COLUMN scope BIGINT NOT NULL DEFAULT 0;

-- 1.
UPDATE quiz_attempts a SET scope = a.guild_id
WHERE a.guild_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM lesson_pack_versions v
              WHERE v.guild_id = a.guild_id AND v.lesson_id = a.lesson_id);

-- 2. and 3.
CREATE TEMPORARY TABLE scope_by_attempts ON COMMIT DROP AS
    SELECT learner_id, lesson_id, min(scope) AS scope
    FROM quiz_attempts WHERE scope <> 0
    GROUP BY learner_id, lesson_id
    HAVING count(DISTINCT scope) = 1;
CREATE TEMPORARY TABLE scope_by_owner ON COMMIT DROP AS
    SELECT lesson_id, min(guild_id) AS scope
    FROM lesson_pack_versions
    GROUP BY lesson_id
    HAVING count(DISTINCT guild_id) = 1;

UPDATE checklist_marks t SET scope = COALESCE(
    (SELECT b.scope FROM scope_by_attempts b
     WHERE b.learner_id = t.learner_id AND b.lesson_id = t.lesson_id),
    (SELECT o.scope FROM scope_by_owner o WHERE o.lesson_id = t.lesson_id), 0);
UPDATE review_cards t SET scope = COALESCE(
    (SELECT b.scope FROM scope_by_attempts b
     WHERE b.learner_id = t.learner_id AND b.lesson_id = t.lesson_id),
    (SELECT o.scope FROM scope_by_owner o WHERE o.lesson_id = t.lesson_id), 0);
UPDATE review_log t SET scope = COALESCE(
    (SELECT b.scope FROM scope_by_attempts b
     WHERE b.learner_id = t.learner_id AND b.lesson_id = t.lesson_id),
    (SELECT o.scope FROM scope_by_owner o WHERE o.lesson_id = t.lesson_id), 0);
UPDATE exercise_attempts t SET scope = COALESCE(
    (SELECT b.scope FROM scope_by_attempts b
     WHERE b.learner_id = t.learner_id AND b.lesson_id = t.lesson_id),
    (SELECT o.scope FROM scope_by_owner o WHERE o.lesson_id = t.lesson_id), 0);

-- The keys, widened.
ALTER TABLE checklist_marks DROP CONSTRAINT checklist_marks_pkey;
ALTER TABLE checklist_marks ADD PRIMARY KEY (learner_id, scope, lesson_id, objective_id);

DROP INDEX quiz_attempts_one_open;
CREATE UNIQUE INDEX quiz_attempts_one_open ON quiz_attempts (learner_id, scope, lesson_id)
    WHERE finished_at IS NULL;
DROP INDEX quiz_attempts_by_learner;
CREATE INDEX quiz_attempts_by_learner ON quiz_attempts (learner_id, scope, lesson_id);
DROP INDEX quiz_attempts_by_guild;
CREATE INDEX quiz_attempts_by_guild ON quiz_attempts (guild_id, scope, lesson_id);

ALTER TABLE review_cards DROP CONSTRAINT review_cards_pkey;
ALTER TABLE review_cards ADD PRIMARY KEY (learner_id, scope, lesson_id, question_id);

DROP INDEX exercise_attempts_by_learner;
CREATE INDEX exercise_attempts_by_learner
    ON exercise_attempts (learner_id, scope, lesson_id, exercise_id, created_at DESC);
