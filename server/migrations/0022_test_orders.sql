ALTER TABLE "orders" ADD COLUMN "test_mode" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Orders paid through the local test gateway never took real money.
UPDATE "orders" SET "test_mode" = true WHERE EXISTS (SELECT 1 FROM "payments" p WHERE p."order_id" = "orders"."id" AND p."provider" = 'local');
