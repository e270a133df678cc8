CREATE TABLE "dead_letters" (
	"consumer" text NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"payload" jsonb NOT NULL,
	"error" text NOT NULL,
	"dead_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone,
	CONSTRAINT "dead_letters_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE INDEX "dead_letters_open_idx" ON "dead_letters" USING btree ("dead_at") WHERE "dead_letters"."replayed_at" IS NULL;