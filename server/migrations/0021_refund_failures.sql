ALTER TABLE "refunds" ADD COLUMN "failure_reason" text;--> statement-breakpoint
-- Before, a refund counted on its payment as soon as it was asked for; now only once the provider
-- has made it. A refund still pending at the upgrade gives its amount back to the payment, which
-- counts it again when the provider's answer settles it (and never, if the provider refuses it).
UPDATE "payments" AS p
SET "amount_refunded" = p."amount_refunded" - held."amount",
    "status" = CASE WHEN p."amount_refunded" - held."amount" > 0 THEN 'partially_refunded' ELSE 'succeeded' END,
    "updated_at" = now()
FROM (SELECT "payment_id", sum("amount")::integer AS "amount" FROM "refunds"
      WHERE "status" = 'pending' GROUP BY "payment_id") AS held
WHERE held."payment_id" = p."id" AND p."status" IN ('refunded', 'partially_refunded');
