-- One use of a code per customer counts by the mailbox an email reaches, not by the address as
-- written: lower case, no plus tag, no dots at Gmail (pricing/mailbox-key.ts, which this matches).
DROP INDEX "discount_redemptions_email_key";--> statement-breakpoint
ALTER TABLE "discount_redemptions" ADD COLUMN "email_key" text;--> statement-breakpoint
-- Redemptions recorded before get their mailbox's key. Where several addresses of one mailbox used
-- one code (which the old rule let through), the earliest keeps the key and so the mailbox's use;
-- the later ones stay unkeyed, their orders untouched.
UPDATE "discount_redemptions" AS "r" SET "email_key" = "k"."key"
FROM (
  SELECT "id", "key",
         row_number() OVER (PARTITION BY "discount_id", "key" ORDER BY "created_at", "id") AS "n"
  FROM (
    SELECT "id", "discount_id", "created_at",
           CASE
             WHEN "domain" IS NULL THEN "address"
             WHEN "domain" IN ('gmail.com', 'googlemail.com') THEN replace("local", '.', '') || '@gmail.com'
             ELSE "local" || '@' || "domain"
           END AS "key"
    FROM (
      SELECT "id", "discount_id", "created_at", lower(btrim("email")) AS "address",
             split_part(substring(lower(btrim("email")) FROM '^(.*)@[^@]*$'), '+', 1) AS "local",
             substring(lower(btrim("email")) FROM '@([^@]*)$') AS "domain"
      FROM "discount_redemptions"
    ) AS "parts"
  ) AS "keyed"
) AS "k"
WHERE "r"."id" = "k"."id" AND "k"."n" = 1;--> statement-breakpoint
CREATE UNIQUE INDEX "discount_redemptions_mailbox_key" ON "discount_redemptions" USING btree ("discount_id","email_key") WHERE "discount_redemptions"."email_key" IS NOT NULL;
