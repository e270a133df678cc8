ALTER TABLE "idempotency_keys" ADD COLUMN "holder" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cart_id" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cart_version" text;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_cart_version_key" ON "orders" USING btree ("cart_id","cart_version");