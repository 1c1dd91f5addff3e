-- Fills the benchmark source (schema.sql already applied): :customers customers, 10 orders each, 3 items per order.
-- psql -v customers=75000 -f source.sql
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.31415) \g /dev/null

INSERT INTO customers
SELECT g,
       'Customer ' || g || ' ' || (ARRAY['Müller','Smith','García','Rossi','Dubois','Nowak','Jensen','Silva'])[1 + g % 8],
       'customer' || g || '@example.com',
       timestamptz '2015-01-01 00:00:00+00' + random() * interval '3000 days',
       round((random() * 10000 - 2000)::numeric, 2),
       random() < 0.8,
       CASE WHEN g % 5 <> 0 THEN ARRAY['tag' || (g % 7), 'segment-' || (g % 3)] END,
       CASE WHEN g % 4 <> 0 THEN jsonb_build_object('tier', g % 4, 'newsletter', g % 2 = 0,
                                                     'address', jsonb_build_object('city', 'City ' || (g % 500), 'zip', lpad((g % 99999)::text, 5, '0')))
       END
FROM generate_series(1, :customers) AS g;

INSERT INTO orders
SELECT g,
       1 + (g - 1) / 10,
       timestamptz '2018-01-01 00:00:00+00' + random() * interval '2000 days',
       (ARRAY['new','paid','shipped','delivered','cancelled'])[1 + g % 5],
       round((random() * 900 + 5)::numeric, 2),
       CASE WHEN g % 20 = 0 THEN 'please deliver after 5pm, ring twice' END
FROM generate_series(1, :customers * 10) AS g;

INSERT INTO order_items
SELECT g,
       1 + (g - 1) / 3,
       'SKU-' || lpad((g % 50000)::text, 6, '0'),
       1 + g % 4,
       round((random() * 200 + 1)::numeric, 2),
       CASE WHEN g % 3 <> 0 THEN timestamptz '2018-01-02 00:00:00+00' + random() * interval '2000 days' END
FROM generate_series(1, :customers * 30) AS g;

ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
VACUUM ANALYZE;
