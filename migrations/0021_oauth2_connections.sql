CREATE TABLE `credential_connections` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`interactive` integer NOT NULL,
	`scopes` text DEFAULT '[]' NOT NULL,
	`expires_at` text,
	`problem` text,
	`connected_at` text,
	`connected_by` text,
	`ciphertext` blob,
	`iv` blob,
	`auth_tag` blob,
	`key_id` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connected_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `oauth_authorizations` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`credential_id` text NOT NULL,
	`user_id` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`ciphertext` blob NOT NULL,
	`iv` blob NOT NULL,
	`auth_tag` blob NOT NULL,
	`key_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oauth_authorizations_expires_idx` ON `oauth_authorizations` (`expires_at`);