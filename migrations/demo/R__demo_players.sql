-- Demo players, applied only when demo data is enabled (casino.database.demo-data).
-- Repeatable and idempotent: existing rows are left as they are.
insert into players (id, email, last_signed_in_at) values
    (10, 'john@example.com',  now() - interval '1 hour'),
    (11, 'jane@example.com',  now() - interval '3 hours'),
    (12, 'bob@example.com',   now() - interval '2 days'),
    (13, 'rick@example.com',  now() - interval '5 hours'),
    (14, 'morty@example.com', now() - interval '1 day')
on conflict (id) do nothing;

-- Explicit ids above must not collide with ids the sequence hands out later.
select setval(pg_get_serial_sequence('players', 'id'),
              greatest((select max(id) from players), 1));
