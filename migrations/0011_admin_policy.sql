-- Admin API, policy and reports part (BARONG.md §8.1, §8.2): indexes that keep the activity
-- lists and the metrics fast when the audit log holds millions of rows. Lists are newest
-- first (id DESC); the actor filters (uid, email) resolve the user and use the existing
-- (user_id, id DESC) index.

-- topic, or topic and action: a page comes out of the index in order, no sort.
CREATE INDEX index_activities_on_category_topic_action_id ON activities (category, topic, action, id DESC);

-- from/to bounds on created_at.
CREATE INDEX index_activities_on_category_and_created_at ON activities (category, created_at);

-- target_uid filter of the admin log (only admin rows carry a target).
CREATE INDEX index_activities_on_target_uid_and_id ON activities (target_uid, id DESC) WHERE target_uid IS NOT NULL;

-- GET admin/metrics: per-day counts of sign-ups and logins answered from the index alone.
CREATE INDEX index_activities_for_metrics ON activities (topic, action, result, created_at) WHERE category = 'user';

-- Planner statistics: topic, action and result are strongly correlated (every login row is a
-- session row), which without these makes the planner misjudge how many rows a filter keeps and
-- walk the whole log backwards instead of using the topic/action index; the metrics group by UTC day and
-- need the number of distinct days to aggregate by hash instead of sorting.
CREATE STATISTICS activities_kind_stats (dependencies, mcv) ON category, topic, action, result FROM activities;
CREATE STATISTICS activities_day_stats ON ((created_at AT TIME ZONE 'UTC')::date) FROM activities;
