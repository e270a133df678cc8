-- The store's copy of each email keeps the template's data (ids, no secret), so a retry sends what
-- the first try rendered while the stored bodies leave the email's secrets out.
ALTER TABLE "notifications" ADD COLUMN "data" jsonb;
--> statement-breakpoint
-- Emails recorded before kept their links' secrets (a password reset token, a guest's order token)
-- in their bodies, where the store team could read them: each is replaced by the word "withheld".
UPDATE "notifications"
SET "body_html" = regexp_replace("body_html", '([?&]token=)[^"''&<>[:space:]]+', '\1withheld', 'g'),
    "body_text" = regexp_replace("body_text", '([?&]token=)[^"''&<>[:space:]]+', '\1withheld', 'g')
WHERE "body_html" LIKE '%token=%' OR "body_text" LIKE '%token=%';
--> statement-breakpoint
-- Reset emails asked for before carried the whole link in the event (in the outbox and in dead
-- letters, both shown to the store team); the link is dropped, and such an event, were it delivered
-- again, fails the template's check instead of sending a dead link.
UPDATE "outbox" SET "payload" = "payload" #- '{data,resetUrl}'
WHERE "type" = 'send_email' AND "payload" #> '{data,resetUrl}' IS NOT NULL;
--> statement-breakpoint
UPDATE "dead_letters" SET "payload" = "payload" #- '{data,resetUrl}'
WHERE "type" = 'send_email' AND "payload" #> '{data,resetUrl}' IS NOT NULL;
--> statement-breakpoint
-- Those links may have been read there, so the ones still open stop working; a customer who needs
-- one asks again.
UPDATE "password_resets" SET "expires_at" = now() WHERE "used_at" IS NULL AND "expires_at" > now();
