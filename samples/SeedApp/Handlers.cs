using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SeedApp
{
    /// <summary>
    /// A request handler as people write them. A sampling profiler or a naive instrumenting one sees Home return
    /// after ~100 ms (at its first await), calls MoveNext twice per request, and books the 150 ms the "database"
    /// sleeps on a thread-pool thread to nobody. AsyncProf shows Home at ~300 ms wall, ~100 ms CPU (the parse),
    /// one call per request, and FetchFromDbSync under Home.
    /// </summary>
    public static class Handlers
    {
        public static readonly TimeSpan ParseBudget = TimeSpan.FromMilliseconds(100);
        public static readonly TimeSpan HttpDelay = TimeSpan.FromMilliseconds(200);
        public static readonly TimeSpan DbLatency = TimeSpan.FromMilliseconds(150);

        public static HandlerContext Context { get; set; } = null!;

        public static async Task<string> Home()
        {
            var bytes = ReadBigFile();
            var checksum = ParseContents(bytes);
            var http = DoHttpRequest();
            var db = Task.Run(FetchFromDbSync);
            await Task.WhenAll(http, db);
            return $"read {bytes.Length / 1024} KB, checksum {checksum:x8}, http '{http.Result}', db {db.Result} rows";
        }

        /// <summary>Synchronous file I/O on the request thread.</summary>
        public static byte[] ReadBigFile() => File.ReadAllBytes(Context.DataFile);

        /// <summary>
        /// Synchronous CPU work: hashes the bytes over and over until <see cref="ParseBudget"/> has passed, so it
        /// burns about that much CPU on any machine. Returns the hash so nothing is optimized away.
        /// </summary>
        public static uint ParseContents(byte[] bytes)
        {
            var sw = Stopwatch.StartNew();
            uint hash = 2166136261;
            var position = 0;
            do
            {
                // FNV-1a over 64 KB slices, checking the clock between slices.
                var end = Math.Min(position + 65536, bytes.Length);
                for (var i = position; i < end; i++) hash = (hash ^ bytes[i]) * 16777619;
                position = end == bytes.Length ? 0 : end;
            }
            while (sw.Elapsed < ParseBudget);
            return hash;
        }

        /// <summary>Asynchronous I/O: an HTTP GET to the local server, which answers after <see cref="HttpDelay"/>.</summary>
        public static async Task<string> DoHttpRequest()
        {
            using var response = await Context.Http.GetAsync(Context.ServerAddress);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        /// <summary>A blocking client library call, pushed to the thread pool: it sleeps, it does not compute.</summary>
        public static int FetchFromDbSync()
        {
            Thread.Sleep(DbLatency);
            return 42;
        }
    }

    /// <summary>What the handlers need: the data file and an HTTP client for the local server.</summary>
    public sealed class HandlerContext : IDisposable
    {
        public HandlerContext(string dataFile, Uri serverAddress)
        {
            DataFile = dataFile;
            ServerAddress = serverAddress;
            Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        }

        public string DataFile { get; }
        public Uri ServerAddress { get; }
        public HttpClient Http { get; }

        public void Dispose() => Http.Dispose();
    }

    public static class DataFile
    {
        public const int DefaultSize = 4 * 1024 * 1024;

        /// <summary>Writes <paramref name="size"/> pseudo-random bytes (fixed seed: every run parses the same data).</summary>
        public static void Create(string path, int size)
        {
            var bytes = new byte[size];
            new Random(12345).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
        }
    }
}
