-- IF NOT EXISTS: on a large store the index may be built beforehand without blocking checkout
-- (docs/operations.md, "Deploys without downtime").
CREATE INDEX IF NOT EXISTS "order_lines_variant_idx" ON "order_lines" USING btree ("variant_id");