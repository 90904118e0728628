ALTER TABLE `cities` ADD `synthetic` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- The bench's made-up cities, told apart until now by their code.
UPDATE `cities` SET `synthetic` = true WHERE `code` LIKE 'synthetic-%';
