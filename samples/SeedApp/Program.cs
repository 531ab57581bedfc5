using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace SeedApp
{
    public static class Program
    {
        /// <summary>dotnet SeedApp.dll [runs]: runs <see cref="Handlers.Home"/> that many times (default 5), one after the other.</summary>
        public static async Task<int> Main(string[] args)
        {
            var runs = 5;
            if (args.Length > 0 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out runs) || runs <= 0))
            {
                Console.Error.WriteLine("usage: SeedApp [runs]   (runs: a positive whole number, default 5)");
                return 2;
            }

            var dataFile = Path.Combine(Path.GetTempPath(), $"seedapp-{Environment.ProcessId}-{Guid.NewGuid():N}.dat");
            try
            {
                DataFile.Create(dataFile, DataFile.DefaultSize);
                await using var server = SlowHttpServer.Start(Handlers.HttpDelay);
                using var handlers = new HandlerContext(dataFile, server.BaseAddress);
                Handlers.Context = handlers;
                Console.WriteLine($"SeedApp: {runs} runs, data file {DataFile.DefaultSize / (1024 * 1024)} MB, server {server.BaseAddress}");

                for (var i = 1; i <= runs; i++)
                {
                    var sw = Stopwatch.StartNew();
                    var summary = await Handlers.Home();
                    Console.WriteLine($"run {i}: {sw.Elapsed.TotalMilliseconds:F0} ms ({summary})");
                }
                return 0;
            }
            finally
            {
                try { File.Delete(dataFile); } catch (IOException) { }
            }
        }
    }
}
