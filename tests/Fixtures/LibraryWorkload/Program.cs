using System;
using System.Threading.Tasks;

namespace LibraryWorkload
{
    /// <summary>
    /// Runs each library's steps one after the other (never two things at once), every step printing a line that
    /// depends only on the inputs, so a woven run must print exactly what the plain run prints.
    ///
    /// usage: LibraryWorkload &lt;postgres connection string&gt; &lt;redis host:port&gt;
    /// (or the environment variables LIBRARY_WORKLOAD_POSTGRES and LIBRARY_WORKLOAD_REDIS).
    /// The counts of every library call are constants of the step classes; tests/AsyncProf.Tests/Libraries checks
    /// the profile against them.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var postgres = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("LIBRARY_WORKLOAD_POSTGRES");
            var redis = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("LIBRARY_WORKLOAD_REDIS");
            if (string.IsNullOrWhiteSpace(postgres) || string.IsNullOrWhiteSpace(redis))
            {
                Console.Error.WriteLine("LibraryWorkload: usage: LibraryWorkload <postgres connection string> <redis host:port> " +
                    "(or LIBRARY_WORKLOAD_POSTGRES and LIBRARY_WORKLOAD_REDIS)");
                return 2;
            }

            await PostgresSteps.RunAsync(postgres);
            await RedisSteps.RunAsync(redis);
            await RetrySteps.RunAsync();
            await SqliteSteps.RunAsync();
            var orders = JsonSteps.Run();
            await ValidationSteps.RunAsync(orders);
            Console.WriteLine("workload: done");
            return 0;
        }
    }
}
