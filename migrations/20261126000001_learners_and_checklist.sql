-- A learner is a Discord user id and nothing else: no names, no messages.
CREATE TABLE learners (
    id         BIGINT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per (learner, lesson, objective): a tick is an upsert that sets the
-- state the button asked for, so a click delivered twice lands once.
CREATE TABLE checklist_marks (
    learner_id   BIGINT      NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id    TEXT        NOT NULL,
    objective_id TEXT        NOT NULL,
    ticked       BOOLEAN     NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (learner_id, lesson_id, objective_id)
);
