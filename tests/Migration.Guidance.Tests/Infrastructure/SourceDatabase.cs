using Migration.Testing;

namespace Migration.Guidance.Tests.Infrastructure;

/// <summary>A small shop: countries, customers (1,569), products, orders, order items (a connection table).</summary>
public static class SourceDatabase
{
    public const int Customers = 1569;
    public const int Orders = 3000;
    public const int OrderItems = 6000;

    public const string ShopSql = """
        CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
        INSERT INTO countries SELECT chr(65 + i / 26) || chr(65 + i % 26), 'Country ' || i FROM generate_series(0, 19) i;
        CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text, country char(2) REFERENCES countries(code),
            created_at timestamptz NOT NULL DEFAULT '2024-01-01');
        INSERT INTO customers SELECT i, 'Customer ' || i, 'c' || i || '@example.com', chr(65 + (i % 20) / 26) || chr(65 + (i % 20) % 26), '2024-01-01'::timestamptz + i * interval '1 hour'
            FROM generate_series(1, 1569) i;
        CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL);
        INSERT INTO products SELECT i, 'Product ' || i, (i % 97) + 0.99 FROM generate_series(1, 120) i;
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), ordered_at timestamptz NOT NULL,
            total numeric(12,2) NOT NULL, status text NOT NULL);
        INSERT INTO orders SELECT i, 1 + i % 1569, '2024-02-01'::timestamptz + i * interval '1 minute', (i % 500) + 0.5, CASE WHEN i % 7 = 0 THEN 'open' ELSE 'shipped' END
            FROM generate_series(1, 3000) i;
        CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders(id), product_id int NOT NULL REFERENCES products(id), quantity int NOT NULL,
            PRIMARY KEY (order_id, product_id));
        INSERT INTO order_items SELECT o, 1 + (o + k * 7) % 120, k FROM generate_series(1, 3000) o, generate_series(1, 2) k;
        ANALYZE;
        """;

    /// <summary>One table big enough, with small pages, to be caught while it runs.</summary>
    public const string ReadingsSql = """
        CREATE TABLE readings (id bigint PRIMARY KEY, sensor int NOT NULL, value double precision NOT NULL, at timestamptz NOT NULL);
        INSERT INTO readings SELECT i, i % 50, i * 0.5, '2024-01-01'::timestamptz + i * interval '1 second' FROM generate_series(1, 60000) i;
        ANALYZE;
        """;

    public static async Task<string> CreateAsync(PostgresServer postgres, string prefix, string sql)
    {
        var connection = await postgres.CreateDatabaseAsync(prefix);
        await PostgresServer.ExecuteAsync(connection, sql);
        return connection;
    }
}
