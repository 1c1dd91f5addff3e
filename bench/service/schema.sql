-- The service benchmark's tables (see run.sh): a three-level FK chain shaped like the data of
-- shared notes/copy-throughput.md. Primary keys and FK-column indexes; the foreign keys themselves are added by
-- source.sql on the source only (the raw-pipe target has none, as pgcopydb and pg_restore load without them).
CREATE TABLE customers (
    id          bigint PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    created_at  timestamptz NOT NULL,
    balance     numeric(12, 2) NOT NULL,
    active      boolean NOT NULL,
    tags        text[],
    profile     jsonb
);

CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    ordered_at  timestamptz NOT NULL,
    status      text NOT NULL,
    total       numeric(12, 2) NOT NULL,
    note        text
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
    id          bigint PRIMARY KEY,
    order_id    bigint NOT NULL,
    sku         text NOT NULL,
    quantity    integer NOT NULL,
    unit_price  numeric(10, 2) NOT NULL,
    shipped_at  timestamptz
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
