-- A rating (Hard / Good / Easy) is saved only after a right choice: the
-- right-choice click records the card's reps here, and a rating is accepted
-- only while the card is still at those reps and this still holds them; the
-- same statement that saves the rating clears it, so it counts once. A
-- forged or replayed rating button finds nothing pending and writes nothing.
-- NULL: no right answer awaiting a rating.
ALTER TABLE review_cards ADD COLUMN answered_at_reps INTEGER;
