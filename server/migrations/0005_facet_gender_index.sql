-- As products_facets_idx, led by gender, so facet counts under a gender filter scan a range of a
-- narrow index. INCLUDE is hand-written: Drizzle's index builder cannot express it.
CREATE INDEX "products_facets_gender_idx" ON "products" USING btree ("gender","category_id","price_amount") INCLUDE ("sizes","colors") WHERE status = 'active';
