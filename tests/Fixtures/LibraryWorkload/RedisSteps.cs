using System;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace LibraryWorkload
{
    /// <summary>
    /// StackExchange.Redis against a real redis-server: one connection, a warm-up (from <see cref="WarmUp"/>, its own
    /// caller in the profile: the JIT's cost stays out of the measured calls), a set and a get per key, then reads
    /// through a Lua script that keeps the server busy for <see cref="ServerWaitMicroseconds"/> first, so the
    /// awaited API has server time to cover, as the PostgreSQL queries have.
    /// </summary>
    public static class RedisSteps
    {
        public const int Keys = 20;
        public const int SlowReads = 5;
        public const int ServerWaitMicroseconds = 25_000;

        // Spins on the server's clock (TIME) for ARGV[1] microseconds, then reads KEYS[1].
        const string SlowGet = @"
local t = redis.call('TIME')
local start = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = tonumber(ARGV[1])
repeat
  t = redis.call('TIME')
until tonumber(t[1]) * 1000000 + tonumber(t[2]) - start >= wait
return redis.call('GET', KEYS[1])";

        public static async Task RunAsync(string endpoint)
        {
            var options = ConfigurationOptions.Parse(endpoint);
            options.AbortOnConnectFail = true;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var db = redis.GetDatabase();
            await WarmUp(db);
            for (var i = 0; i < Keys; i++) await SetAndGet(db, i);
            for (var i = 0; i < SlowReads; i++) await SlowRead(db, i);
        }

        /// <summary>StringSetAsync once, StringGetAsync once, ScriptEvaluateAsync once (no server wait).</summary>
        static async Task WarmUp(IDatabase db)
        {
            const string key = "asyncprof:workload:warm-up";
            await db.StringSetAsync(key, "warm");
            Console.WriteLine($"redis warm-up: read '{await db.StringGetAsync(key)}', " +
                $"script '{await db.ScriptEvaluateAsync(SlowGet, new RedisKey[] { key }, new RedisValue[] { 0 })}'");
        }

        /// <summary>StringSetAsync once, StringGetAsync once.</summary>
        static async Task SetAndGet(IDatabase db, int i)
        {
            var key = $"asyncprof:workload:{i}";
            var stored = await db.StringSetAsync(key, $"value {i * i}");
            var value = await db.StringGetAsync(key);
            Console.WriteLine($"redis {key}: stored {stored}, read '{value}'");
        }

        /// <summary>ScriptEvaluateAsync once: the server spins for ServerWaitMicroseconds, then answers.</summary>
        static async Task SlowRead(IDatabase db, int i)
        {
            var key = $"asyncprof:workload:{i}";
            var value = await db.ScriptEvaluateAsync(SlowGet, new RedisKey[] { key }, new RedisValue[] { ServerWaitMicroseconds });
            Console.WriteLine($"redis slow read {key}: '{value}'");
        }
    }
}
