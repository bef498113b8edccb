-- A quiz attempt remembers the quiz version it was drawn from (so a stale
-- button is detected) and the seed of its shuffle (so the choice order stays
-- the same for the whole attempt, on any instance, after any restart).
CREATE TABLE quiz_attempts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learner_id   BIGINT      NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    guild_id     BIGINT,
    lesson_id    TEXT        NOT NULL,
    quiz_version TEXT        NOT NULL,
    seed         BIGINT      NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    -- Set when the quiz changed under an open attempt and a new one began.
    abandoned    BOOLEAN     NOT NULL DEFAULT false
);
-- At most one open attempt per learner and lesson, whatever the instance.
CREATE UNIQUE INDEX quiz_attempts_one_open ON quiz_attempts (learner_id, lesson_id)
    WHERE finished_at IS NULL;
CREATE INDEX quiz_attempts_by_learner ON quiz_attempts (learner_id, lesson_id);
CREATE INDEX quiz_attempts_by_guild ON quiz_attempts (guild_id, lesson_id);

-- The primary key makes the first answer to a question the only one.
CREATE TABLE quiz_answers (
    attempt_id  BIGINT      NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    question_id TEXT        NOT NULL,
    choice_id   TEXT        NOT NULL,
    correct     BOOLEAN     NOT NULL,
    answered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, question_id)
);
