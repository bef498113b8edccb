-- Every demo a learner ran; the newest row per learner is also their cooldown,
-- so the cooldown holds across instances and restarts.
CREATE TABLE demo_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learner_id    BIGINT      NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    demo          TEXT        NOT NULL,
    n             INTEGER     NOT NULL,
    sequential_ms INTEGER,
    concurrent_ms INTEGER,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX demo_runs_by_learner ON demo_runs (learner_id, started_at DESC);
