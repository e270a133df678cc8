-- Facet counts read category, gender, price, sizes and colours of active products. With sizes and
-- colours included, they are answered from this narrow index (index-only scans) rather than from the
-- wide product rows. Drizzle's index builder has no INCLUDE, hence the hand-written clause.
CREATE INDEX "products_facets_idx" ON "products" USING btree ("category_id","gender","price_amount") INCLUDE ("sizes","colors") WHERE status = 'active';
