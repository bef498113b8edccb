-- Every graded exercise a learner submitted: what ran, whether the hidden
-- checks passed, how long it took and, for a predict-then-run exercise, the
-- time they guessed. Keyed by the interaction that submitted it, so a copy of
-- the submit delivered again is stored once. Deleted with the learner.
CREATE TABLE exercise_attempts (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    interaction_id BIGINT           NOT NULL UNIQUE,
    learner_id     BIGINT           NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id      TEXT             NOT NULL,
    exercise_id    TEXT             NOT NULL,
    passed         BOOLEAN          NOT NULL,
    wall_ms        INTEGER          NOT NULL,
    code           TEXT             NOT NULL,
    predicted_secs DOUBLE PRECISION,
    created_at     TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE INDEX exercise_attempts_by_learner
    ON exercise_attempts (learner_id, lesson_id, exercise_id, created_at DESC);
