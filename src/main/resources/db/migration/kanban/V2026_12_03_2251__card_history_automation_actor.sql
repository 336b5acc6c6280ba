-- Automations change cards too; their entries name the rule.
ALTER TABLE card_history DROP CONSTRAINT card_history_actor_type_check;
ALTER TABLE card_history ADD CONSTRAINT card_history_actor_type_check
    CHECK (actor_type IN ('user', 'api_key', 'system', 'automation'));
