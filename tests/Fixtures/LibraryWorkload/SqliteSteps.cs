using System;
using System.Linq;
using System.Threading.Tasks;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LibraryWorkload
{
    /// <summary>Dapper over an in-memory SQLite database: a table, inserts, queries, a scalar.</summary>
    public static class SqliteSteps
    {
        public const int Inserts = 10;
        public const int Queries = 5;

        public sealed class Item
        {
            public long Id { get; set; }
            public string Name { get; set; } = "";
            public long Quantity { get; set; }
        }

        public static async Task RunAsync()
        {
            await using var connection = new SqliteConnection("Data Source=:memory:");
            await connection.OpenAsync();
            await CreateTable(connection);
            for (var i = 0; i < Inserts; i++) await Insert(connection, i);
            for (var q = 0; q < Queries; q++) await Query(connection, q);
            var total = await connection.ExecuteScalarAsync<long>("SELECT sum(quantity) FROM items");
            Console.WriteLine($"sqlite total quantity: {total}");
        }

        /// <summary>ExecuteAsync once.</summary>
        static async Task CreateTable(SqliteConnection connection)
        {
            await connection.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, quantity INTEGER NOT NULL)");
            Console.WriteLine("sqlite table created");
        }

        /// <summary>ExecuteAsync once.</summary>
        static async Task Insert(SqliteConnection connection, int i)
        {
            var rows = await connection.ExecuteAsync("INSERT INTO items (id, name, quantity) VALUES (@Id, @Name, @Quantity)",
                new Item { Id = i, Name = $"item {i}", Quantity = i % 4 });
            Console.WriteLine($"sqlite insert {i}: {rows} row");
        }

        /// <summary>QueryAsync once.</summary>
        static async Task Query(SqliteConnection connection, int min)
        {
            var items = (await connection.QueryAsync<Item>("SELECT id, name, quantity FROM items WHERE quantity >= @min ORDER BY id",
                new { min })).ToList();
            Console.WriteLine($"sqlite quantity >= {min}: {items.Count} items ({string.Join(", ", items.Select(x => x.Name))})");
        }
    }
}
