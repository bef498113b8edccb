-- A learner's time zone and daily review reminder (/remind). The time zone
-- stays when reminders are switched off: streaks count days in it.
--
-- Scheduling: `next_at` is the next moment (UTC) a reminder is due, set
-- from the learner's local time and zone. A scheduler claims due rows with
-- FOR UPDATE SKIP LOCKED by setting `claimed_until` (a claim that expires,
-- so a crash after the claim never loses the day), sends, then moves
-- `next_at` to the next local day and records `last_day`, the local date
-- reminded, so no learner is reminded twice for one day.
CREATE TABLE reminders (
    learner_id    BIGINT      PRIMARY KEY REFERENCES learners (id) ON DELETE CASCADE,
    timezone      TEXT        NOT NULL,
    -- Minutes after local midnight (07:30 is 450).
    at_minute     SMALLINT    NOT NULL CHECK (at_minute BETWEEN 0 AND 1439),
    enabled       BOOLEAN     NOT NULL,
    next_at       TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    last_day      DATE,
    -- Discord refused a DM (50007): reminders were switched off and the
    -- learner is told the next time they use the bot.
    dms_closed    BOOLEAN     NOT NULL DEFAULT false,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reminders_due ON reminders (next_at) WHERE enabled;
