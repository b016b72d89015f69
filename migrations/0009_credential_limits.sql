ALTER TABLE `credentials` ADD `allowed_targets` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `credentials` ADD `use_roles` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `credentials` ADD `use_user_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- Existing credentials may go where a published version already sends them, and nowhere else: the
-- origin (scheme, host, port) of each literal URL of an HTTP node using the credential in a
-- workflow's published version (publishing is an admin's decision). URLs built from expressions say
-- nothing before they run and are skipped; a credential with no such use gets an empty list and is
-- sent nowhere until an admin lists its targets.
UPDATE `credentials` SET `allowed_targets` = coalesce((
	SELECT json_group_array(`origin`) FROM (
		SELECT DISTINCT lower(`scheme`) || '://' || lower(`host`) AS `origin` FROM (
			SELECT
				substr(`url`, 1, instr(`url`, '://') - 1) AS `scheme`,
				substr(`rest`, 1, instr(`rest`, '/') - 1) AS `host`
			FROM (
				SELECT
					json_extract(`node`.`value`, '$.config.url') AS `url`,
					replace(replace(substr(json_extract(`node`.`value`, '$.config.url'), instr(json_extract(`node`.`value`, '$.config.url'), '://') + 3), '?', '/'), '#', '/') || '/' AS `rest`
				FROM `workflows`
				JOIN `workflow_versions` ON `workflow_versions`.`id` = `workflows`.`published_version_id`
				JOIN json_each(`workflow_versions`.`graph`, '$.nodes') AS `node`
				WHERE json_extract(`node`.`value`, '$.type') = 'action.http'
					AND json_extract(`node`.`value`, '$.config.credentialId') = `credentials`.`id`
			)
			WHERE `url` NOT LIKE '%{{%' AND instr(`url`, '://') > 0
		)
		WHERE lower(`scheme`) IN ('http', 'https') AND `host` <> '' AND `host` NOT LIKE '%@%'
		ORDER BY `origin`
	)
), '[]');
