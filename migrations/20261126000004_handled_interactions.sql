-- Every interaction whose effect was written, inserted by the same statement
-- or transaction as the effect: a delivery seen again (Discord's retry, a
-- replay on another instance, our own retry after a lost connection) finds
-- its id here and changes nothing. Only the id and when: no learner, so
-- /forget-me has nothing to delete here. Rows older than an hour are
-- deleted (Discord signs a request for 5 minutes; a token lives 15).
CREATE TABLE handled_interactions (
    id         BIGINT      PRIMARY KEY,
    handled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX handled_interactions_by_age ON handled_interactions (handled_at);
