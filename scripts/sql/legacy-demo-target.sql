-- The modern half of the schema-changing demo pair (the legacy half is legacy-demo-source.sql): clean names, UUID
-- primary keys, the legacy integer id kept in legacy_id, enums instead of codes, a metadata jsonb for what has no
-- column, and real foreign keys. Empty: the migration fills it. legacy-demo-mapping.json maps the source onto it.
SET client_min_messages = warning;

CREATE TYPE customer_status AS ENUM ('active', 'suspended', 'closed');
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');
CREATE TYPE payment_method AS ENUM ('card', 'paypal', 'bank_transfer', 'cash');
CREATE TYPE comment_subject AS ENUM ('customer', 'order', 'product');

CREATE TABLE categories (
    id        uuid PRIMARY KEY,
    legacy_id integer NOT NULL UNIQUE,
    name      text NOT NULL,
    parent_id uuid);

CREATE TABLE customers (
    id         uuid PRIMARY KEY,
    legacy_id  integer NOT NULL UNIQUE,
    email      text NOT NULL UNIQUE,
    full_name  text NOT NULL,
    phone      text,
    status     customer_status NOT NULL,
    created_at timestamptz NOT NULL,
    metadata   jsonb NOT NULL DEFAULT '{}');

CREATE TABLE products (
    id        uuid PRIMARY KEY,
    legacy_id integer NOT NULL UNIQUE,
    sku       text NOT NULL UNIQUE,
    name      text NOT NULL,
    price     numeric(12, 2) NOT NULL,
    is_active boolean NOT NULL,
    metadata  jsonb NOT NULL DEFAULT '{}');

CREATE TABLE product_categories (
    product_id  uuid NOT NULL,
    category_id uuid NOT NULL,
    PRIMARY KEY (product_id, category_id));

CREATE TABLE orders (
    id          uuid PRIMARY KEY,
    legacy_id   integer NOT NULL UNIQUE,
    customer_id uuid NOT NULL,
    status      order_status NOT NULL,
    ordered_at  timestamptz NOT NULL,
    street      text,
    city        text,
    postal_code text,
    total       numeric(14, 2) NOT NULL,
    metadata    jsonb NOT NULL DEFAULT '{}');
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_lines (
    id         uuid PRIMARY KEY,
    legacy_id  integer NOT NULL UNIQUE,
    order_id   uuid NOT NULL,
    product_id uuid NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(12, 2) NOT NULL);
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);

CREATE TABLE payments (
    id        uuid PRIMARY KEY,
    legacy_id integer NOT NULL UNIQUE,
    order_id  uuid NOT NULL,
    method    payment_method NOT NULL,
    amount    numeric(14, 2) NOT NULL,
    paid_at   timestamptz NOT NULL);

CREATE TABLE comments (
    id           uuid PRIMARY KEY,
    legacy_id    integer NOT NULL UNIQUE,
    subject_type comment_subject NOT NULL,
    subject_id   uuid NOT NULL,
    body         text NOT NULL,
    author       text,
    created_at   timestamptz NOT NULL);
CREATE INDEX comments_subject_idx ON comments (subject_type, subject_id);

-- Foreign keys (a loader may create them after the data, which checks every row then).
ALTER TABLE categories ADD CONSTRAINT categories_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES categories (id);
ALTER TABLE product_categories ADD CONSTRAINT product_categories_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id);
ALTER TABLE product_categories ADD CONSTRAINT product_categories_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE order_lines ADD CONSTRAINT order_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id);
ALTER TABLE payments ADD CONSTRAINT payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
