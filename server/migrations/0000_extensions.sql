-- Extensions and functions the tables below rely on. pg_trgm is a trusted extension (PostgreSQL 13+)
-- and ships with PGlite, so the same migration runs on both.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- Time-ordered UUIDs (version 7): the first 48 bits are the Unix time in milliseconds, so new rows land
-- at the right edge of a primary-key index instead of scattering across it.
CREATE OR REPLACE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
          PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
          FROM 1 FOR 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;
