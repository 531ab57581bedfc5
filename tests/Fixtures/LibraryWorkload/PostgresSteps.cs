using System;
using System.Threading.Tasks;
using Npgsql;

namespace LibraryWorkload
{
    /// <summary>
    /// Npgsql against a real PostgreSQL: every query waits <see cref="ServerSleepSeconds"/> on the server
    /// (pg_sleep), so the public async APIs the app awaits must show at least that much wall time and little CPU.
    /// A warm-up query first (from <see cref="WarmUp"/>, its own caller in the profile) takes the JIT's and the
    /// physical connection's cost out of the measured queries.
    /// </summary>
    public static class PostgresSteps
    {
        public const int ReaderQueries = 20;
        public const int ScalarQueries = 5;
        public const double ServerSleepSeconds = 0.025;

        public static async Task RunAsync(string connectionString)
        {
            await WarmUp(connectionString);
            for (var i = 0; i < ReaderQueries; i++) await ReaderQuery(connectionString, i);
            for (var i = 0; i < ScalarQueries; i++) await ScalarQuery(connectionString, i);
        }

        /// <summary>OpenAsync once, ExecuteReaderAsync once, ReadAsync twice, ExecuteScalarAsync once; no server wait.</summary>
        static async Task WarmUp(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT @i::int * 2", connection);
            command.Parameters.AddWithValue("i", 21);
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) Console.WriteLine($"postgres warm-up reader: {reader.GetInt32(0)}");
            Console.WriteLine($"postgres warm-up scalar: {await command.ExecuteScalarAsync()}");
        }

        /// <summary>OpenAsync once, ExecuteReaderAsync once, ReadAsync twice (a row, then the end).</summary>
        static async Task ReaderQuery(string connectionString, int i)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT @i::int * 2 FROM pg_sleep(@s)", connection);
            command.Parameters.AddWithValue("i", i);
            command.Parameters.AddWithValue("s", ServerSleepSeconds);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) Console.WriteLine($"postgres reader {i}: {reader.GetInt32(0)}");
        }

        /// <summary>OpenAsync once, ExecuteScalarAsync once.</summary>
        static async Task ScalarQuery(string connectionString, int i)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 'scalar ' || @i::text FROM pg_sleep(@s)", connection);
            command.Parameters.AddWithValue("i", i);
            command.Parameters.AddWithValue("s", ServerSleepSeconds);
            var value = (string?)await command.ExecuteScalarAsync();
            Console.WriteLine($"postgres {value}");
        }
    }
}
