-- Spaced review (FSRS). One card per (learner, lesson, quiz question) the
-- learner has answered, holding the scheduler's whole state, so any instance
-- can schedule the next review after any restart. A card's `reps` doubles as
-- its version: a review writes only if the card is still at the reps its
-- button was drawn for, so two clicks on one drawn card count once.
CREATE TABLE review_cards (
    learner_id     BIGINT           NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id      TEXT             NOT NULL,
    question_id    TEXT             NOT NULL,
    due            TIMESTAMPTZ      NOT NULL,
    stability      DOUBLE PRECISION NOT NULL,
    difficulty     DOUBLE PRECISION NOT NULL,
    elapsed_days   INTEGER          NOT NULL,
    scheduled_days INTEGER          NOT NULL,
    reps           INTEGER          NOT NULL,
    lapses         INTEGER          NOT NULL,
    -- rs_fsrs::State: 0 new, 1 learning, 2 review, 3 relearning.
    state          SMALLINT         NOT NULL CHECK (state BETWEEN 0 AND 3),
    last_review    TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (learner_id, lesson_id, question_id)
);
-- A learner's due cards, oldest due first; and every learner's next due card.
CREATE INDEX review_cards_due ON review_cards (learner_id, due);

-- Every rating a card received: from a quiz answer (the seed) or a review.
CREATE TABLE review_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learner_id     BIGINT      NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id      TEXT        NOT NULL,
    question_id    TEXT        NOT NULL,
    -- rs_fsrs::Rating: 1 again, 2 hard, 3 good, 4 easy.
    rating         SMALLINT    NOT NULL CHECK (rating BETWEEN 1 AND 4),
    -- The card's state before this rating, and its days then.
    state          SMALLINT    NOT NULL CHECK (state BETWEEN 0 AND 3),
    elapsed_days   INTEGER     NOT NULL,
    scheduled_days INTEGER     NOT NULL,
    -- The card's due time after this rating.
    due            TIMESTAMPTZ NOT NULL,
    reviewed_at    TIMESTAMPTZ NOT NULL,
    -- 'quiz' (seeded by a quiz answer) or 'review'.
    source         TEXT        NOT NULL CHECK (source IN ('quiz', 'review'))
);
CREATE INDEX review_log_by_learner ON review_log (learner_id, reviewed_at);
