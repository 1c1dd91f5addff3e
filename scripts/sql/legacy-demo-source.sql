-- The legacy half of the schema-changing demo pair: a Django-era "dispatch" application database with integer
-- serial ids, cryptic names, status codes and a polymorphic reference, and the problems such databases have.
-- Its modern counterpart is legacy-demo-target.sql; legacy-demo-mapping.json maps one onto the other.
--
-- Size: the setting demo.rows (about the total row count, default 10000, at least 1000), e.g.
--   psql -v ON_ERROR_STOP=1 -c 'SET demo.rows = 2000000' -f scripts/sql/legacy-demo-source.sql   (psql runs both in one session)
-- Set-based (generate_series) and deterministic: the same demo.rows gives the same rows, so tests can count.
--
-- Deliberate problems (each one a known count for a given size, see LegacyDemo in tests/Migration.Testing):
--   orphans       dispatch_order.customer_id (every 500th order), dispatch_order_item.order_id (every 1000th item),
--                 dispatch_comment.object_id (every 300th comment), dispatch_product_categories.category_id
--                 (every 250th link) point at rows that do not exist; this legacy database never had those FKs
--   duplicates    every 97th customer repeats the e-mail of the customer before it (other case)
--   NULLs         dispatch_customer.status_code and created, dispatch_order.status and ordered_at,
--                 dispatch_order_item.quantity are sometimes NULL where the target demands a value
--   extra column  dispatch_customer.fax, dispatch_product.legacy_barcode, dispatch_order.legacy_flags (no home in
--                 the target: folded into its metadata jsonb)
--   codes         customer status as small integers (1 active, 2 suspended, 3 closed), order status as free text
--                 in any case and spelling (every 1999th order 'ON HOLD', a status the target lacks: the spec maps it to pending), payment method as two-letter codes, product active flag as 'Y'/'N'
--   lookup        comments point at any entity through django_content_type (content_type_id + object_id)
--   self-ref      dispatch_category.parent_id, parents sometimes AFTER their children in id order
SET client_min_messages = warning;

CREATE TEMP TABLE demo_size ON COMMIT PRESERVE ROWS AS
SELECT n,
       greatest(20, n / 1000)      AS categories,
       greatest(50, n * 5 / 100)   AS customers,
       greatest(20, n / 100)       AS products,
       greatest(100, n * 20 / 100) AS orders,
       greatest(250, n / 2)        AS items,
       greatest(75, n * 15 / 100)  AS payments,
       greatest(35, n * 7 / 100)   AS comments
FROM (SELECT greatest(1000, coalesce(nullif(current_setting('demo.rows', true), ''), '10000')::bigint) AS n) s;

CREATE TABLE django_content_type (
    id        serial PRIMARY KEY,
    app_label varchar(100) NOT NULL,
    model     varchar(100) NOT NULL,
    UNIQUE (app_label, model));
INSERT INTO django_content_type (id, app_label, model) VALUES
    (1, 'auth', 'user'), (2, 'dispatch', 'customer'), (3, 'dispatch', 'order'), (4, 'dispatch', 'product');
ALTER SEQUENCE django_content_type_id_seq RESTART WITH 5;

CREATE TABLE dispatch_category (
    id        serial PRIMARY KEY,
    name      varchar(80) NOT NULL,
    parent_id integer REFERENCES dispatch_category (id));

CREATE TABLE dispatch_customer (
    id          serial PRIMARY KEY,
    email       varchar(254) NOT NULL,
    first_name  varchar(30),
    last_name   varchar(30),
    phone       varchar(20),
    status_code smallint,
    created     timestamp,
    fax         varchar(20),
    newsletter  boolean NOT NULL DEFAULT false);

CREATE TABLE dispatch_product (
    id             serial PRIMARY KEY,
    sku            varchar(32) NOT NULL,
    title          varchar(200) NOT NULL,
    price_cents    integer NOT NULL,
    active         char(1) NOT NULL DEFAULT 'Y',
    legacy_barcode varchar(20));

CREATE TABLE dispatch_product_categories (
    id          serial PRIMARY KEY,
    product_id  integer NOT NULL REFERENCES dispatch_product (id),
    category_id integer NOT NULL,
    UNIQUE (product_id, category_id));

CREATE TABLE dispatch_order (
    id               serial PRIMARY KEY,
    customer_id      integer NOT NULL,
    status           varchar(20),
    ordered_at       timestamp,
    shipping_address text,
    total_cents      bigint NOT NULL DEFAULT 0,
    legacy_flags     integer);

CREATE TABLE dispatch_order_item (
    id               serial PRIMARY KEY,
    order_id         integer NOT NULL,
    product_id       integer NOT NULL REFERENCES dispatch_product (id),
    quantity         integer,
    unit_price_cents integer NOT NULL);

CREATE TABLE dispatch_payment (
    id           serial PRIMARY KEY,
    order_id     integer NOT NULL,
    method       char(2) NOT NULL,
    amount_cents bigint NOT NULL,
    paid_at      timestamp NOT NULL);

CREATE TABLE dispatch_comment (
    id              serial PRIMARY KEY,
    content_type_id integer NOT NULL REFERENCES django_content_type (id),
    object_id       integer NOT NULL,
    body            text NOT NULL,
    author_name     varchar(60),
    created         timestamp);

-- Categories: ten roots, the rest under an earlier category, every 7th under a LATER one (a self-reference that
-- key order alone does not satisfy).
INSERT INTO dispatch_category (id, name, parent_id)
SELECT i, 'Category ' || i,
       CASE WHEN i <= 10 THEN NULL
            WHEN i % 7 = 0 AND i < z.categories THEN i + 1
            ELSE 1 + (i * 13) % (i - 1) END
FROM demo_size z, generate_series(1, z.categories) i;

INSERT INTO dispatch_customer (id, email, first_name, last_name, phone, status_code, created, fax, newsletter)
SELECT i,
       CASE WHEN i % 97 = 0 THEN 'USER' || (i - 1) || '@Example.com' ELSE 'user' || i || '@example.com' END,
       'First' || i, 'Last' || (i % 1000),
       CASE WHEN i % 3 = 0 THEN NULL ELSE '+1-555-' || lpad((i % 10000)::text, 4, '0') END,
       CASE WHEN i % 40 = 0 THEN NULL ELSE (1 + i % 3)::smallint END,
       CASE WHEN i % 50 = 0 THEN NULL ELSE timestamp '2015-01-01' + (i % 2000) * interval '1 day' + (i % 86400) * interval '1 second' END,
       CASE WHEN i % 10 = 0 THEN '+1-555-F' || (i % 1000) END,
       i % 4 = 0
FROM demo_size z, generate_series(1, z.customers) i;

INSERT INTO dispatch_product (id, sku, title, price_cents, active, legacy_barcode)
SELECT i, 'SKU-' || lpad(i::text, 7, '0'), 'Product ' || i, 99 + (i * 37) % 20000,
       CASE WHEN i % 9 = 0 THEN 'N' ELSE 'Y' END,
       CASE WHEN i % 2 = 0 THEN 'BC' || (i * 7919) END
FROM demo_size z, generate_series(1, z.products) i;

-- Two categories per product; every 250th link points at a category that does not exist.
INSERT INTO dispatch_product_categories (product_id, category_id)
SELECT p, CASE WHEN (p * 2 + k) % 250 = 0 THEN z.categories + 1000 + p ELSE 1 + (p + k * (z.categories / 2)) % z.categories END
FROM demo_size z, generate_series(1, z.products) p, generate_series(0, 1) k
ORDER BY p, k;

-- Orders never belong to a duplicate customer (every 97th); every 500th belongs to no customer at all.
INSERT INTO dispatch_order (id, customer_id, status, ordered_at, shipping_address, total_cents, legacy_flags)
SELECT i,
       CASE WHEN i % 500 = 0 THEN z.customers + 1000 + i
            ELSE c + CASE WHEN c % 97 = 0 THEN -1 ELSE 0 END END,
       (ARRAY['new', 'NEW', ' New', 'paid', 'Paid ', 'shipped', 'SHIPPED', 'delivered', 'cancelled', 'canceled'])[1 + i % 10]
           || CASE WHEN i % 250 = 0 THEN 'x' ELSE '' END,
       CASE WHEN i % 333 = 0 THEN NULL ELSE timestamp '2018-01-01' + (i % 2500) * interval '1 day' + (i % 3600) * interval '1 second' END,
       (i % 900 + 1) || ' Main Street|City ' || (i % 300) || '|' || lpad((i % 99999)::text, 5, '0'),
       (i * 7) % 500000,
       CASE WHEN i % 5 = 0 THEN i % 8 END
FROM demo_size z, generate_series(1, z.orders) i, LATERAL (SELECT 1 + (i * 7919) % z.customers AS c) pick;
UPDATE dispatch_order SET status = NULL WHERE status LIKE '%x';
UPDATE dispatch_order SET status = 'ON HOLD' WHERE id % 1999 = 0;

INSERT INTO dispatch_order_item (id, order_id, product_id, quantity, unit_price_cents)
SELECT i,
       CASE WHEN i % 1000 = 0 THEN z.orders + 1000 + i ELSE 1 + (i - 1) % z.orders END,
       1 + (i * 31) % z.products,
       CASE WHEN i % 100 = 0 THEN NULL ELSE 1 + i % 5 END,
       99 + (i * 37) % 20000
FROM demo_size z, generate_series(1, z.items) i;

INSERT INTO dispatch_payment (id, order_id, method, amount_cents, paid_at)
SELECT i, o - CASE WHEN o % 500 = 0 THEN 1 ELSE 0 END,
       (ARRAY['CC', 'PP', 'BT', 'CA'])[1 + i % 4],
       (i * 11) % 500000,
       timestamp '2018-01-02' + (i % 2500) * interval '1 day'
FROM demo_size z, generate_series(1, z.payments) i, LATERAL (SELECT 1 + (i * 3) % z.orders AS o) pick;

-- Comments on customers, orders and products in turn (content types 2, 3, 4); every 300th on nothing; none on a
-- duplicate customer.
INSERT INTO dispatch_comment (id, content_type_id, object_id, body, author_name, created)
SELECT i, 2 + i % 3,
       CASE WHEN i % 300 = 0 THEN 10000000 + i
            WHEN i % 3 = 0 AND o % 97 = 0 THEN o - 1
            ELSE o END,
       'Comment ' || i || ': ' || repeat('lorem ipsum ', (1 + i % 4)::int),
       CASE WHEN i % 6 = 0 THEN NULL ELSE 'Agent ' || (i % 40) END,
       CASE WHEN i % 45 = 0 THEN NULL ELSE timestamp '2019-01-01' + (i % 1500) * interval '1 day' END
FROM demo_size z, generate_series(1, z.comments) i,
     LATERAL (SELECT 1 + (i * 17) % (CASE i % 3 WHEN 0 THEN z.customers WHEN 1 THEN z.orders ELSE z.products END) AS o) pick;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['dispatch_category', 'dispatch_customer', 'dispatch_product', 'dispatch_product_categories',
                             'dispatch_order', 'dispatch_order_item', 'dispatch_payment', 'dispatch_comment'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM %I))', t, t);
    END LOOP;
END $$;
DROP TABLE demo_size;
ANALYZE;
