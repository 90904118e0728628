ALTER TABLE `users` ADD `synthetic` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- The demo round's data-entry accounts, told apart until now by their e-mail address.
UPDATE `users` SET `synthetic` = true WHERE `email` LIKE 'data-%@cityeval.demo' AND `password_hash` = '!';
