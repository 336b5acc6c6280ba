-- Outgoing webhook deliveries are now written in the transaction of the change that caused them, no longer by
-- asynchronous listeners through the event publication registry. Publications still waiting for those listeners (in
-- flight when the previous version stopped) have no listener left to take them: they are closed here rather than
-- resubmitted at every start; their deliveries are not made.
UPDATE event_publication SET status = 'COMPLETED', completion_date = now()
WHERE completion_date IS NULL AND listener_id LIKE 'com.whatpro.hub.webhooks.EventsToDeliveries.%';
