-- Which products' listing facts changed, and in which transaction. Each API process keeps the
-- catalog's facets in memory (see docs/catalog-facets.md) and catches up by reading the rows of
-- transactions it has not seen yet; the transaction id (xid8) lets a reader take exactly the
-- transactions that finished since its last read, whatever order they committed in.
-- One row per statement, so a bulk import writes one row, not one per product.
CREATE TABLE "catalog_changes" (
	"xid" xid8 DEFAULT pg_current_xact_id() NOT NULL,
	"kind" text NOT NULL,
	"product_ids" uuid[] NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_changes_kind_check" CHECK ("kind" IN ('product', 'stock'))
);
--> statement-breakpoint
CREATE INDEX "catalog_changes_xid_idx" ON "catalog_changes" USING btree ("xid");
--> statement-breakpoint
CREATE FUNCTION "catalog_log_changes"(kind text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NOT NULL AND cardinality(ids) > 0 THEN
    INSERT INTO "catalog_changes" ("kind", "product_ids") VALUES (kind, ids);
  END IF;
END
$$;
--> statement-breakpoint
-- Any change to a product row (status, price, sizes, colours, words search reads).
CREATE FUNCTION "catalog_products_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT id) INTO ids FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT id) INTO ids FROM new_rows;
  END IF;
  PERFORM "catalog_log_changes"('product', ids);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A variant added, removed or changed: its product's sizes and colours in stock may differ.
CREATE FUNCTION "catalog_variants_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT product_id) INTO ids FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT product_id) INTO ids FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT product_id) INTO ids
      FROM (SELECT product_id FROM new_rows UNION SELECT product_id FROM old_rows) changed;
  END IF;
  PERFORM "catalog_log_changes"('product', ids);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Stock changes on every reservation, but listings only care whether a variant can be bought:
-- an update is logged only when a variant goes in or out of stock.
CREATE FUNCTION "catalog_stock_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT v.product_id) INTO ids
      FROM new_rows n JOIN "variants" v ON v.id = n.variant_id;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT v.product_id) INTO ids
      FROM old_rows o JOIN "variants" v ON v.id = o.variant_id;
  ELSE
    SELECT array_agg(DISTINCT v.product_id) INTO ids
      FROM new_rows n JOIN old_rows o ON o.variant_id = n.variant_id
      JOIN "variants" v ON v.id = n.variant_id
      WHERE (n.on_hand > n.reserved) IS DISTINCT FROM (o.on_hand > o.reserved);
  END IF;
  PERFORM "catalog_log_changes"('stock', ids);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "catalog_products_inserted" AFTER INSERT ON "products" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_products_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_products_updated" AFTER UPDATE ON "products" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_products_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_products_deleted" AFTER DELETE ON "products" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_products_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_variants_inserted" AFTER INSERT ON "variants" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_variants_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_variants_updated" AFTER UPDATE ON "variants" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_variants_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_variants_deleted" AFTER DELETE ON "variants" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_variants_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_stock_inserted" AFTER INSERT ON "stock_levels" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_stock_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_stock_updated" AFTER UPDATE ON "stock_levels" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_stock_changed"();
--> statement-breakpoint
CREATE TRIGGER "catalog_stock_deleted" AFTER DELETE ON "stock_levels" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "catalog_stock_changed"();
