-- PostgreSQL version of ../100_learners.sql: nothing. A PostgreSQL database never held the
-- first shape of the learner tables (text times); 101's PostgreSQL version creates them in
-- their second shape directly.
SELECT 1;
