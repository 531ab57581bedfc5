using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PerfWeb
{
    /// <summary>
    /// <c>PerfWeb &lt;reps&gt; &lt;result-file&gt; [requests]</c>: starts the app on 127.0.0.1 (a free port), then times
    /// reps batches of sequential GET requests from an HttpClient and writes the median ns per request to the file.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var reps = int.Parse(args[0]);
            var resultFile = args[1];
            var requests = args.Length > 2 ? int.Parse(args[2]) : 2_000;

            var builder = WebApplication.CreateSlimBuilder();
            if (Environment.GetEnvironmentVariable("PERFWEB_LOG") != "1") builder.Logging.ClearProviders(); // logging would time the console
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton<Catalog>();
            await using var app = builder.Build();
            app.MapGet("/products/{id:int}", (int id, Catalog catalog) => Handlers.ProductAsync(id, catalog));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

            using var client = new HttpClient { BaseAddress = new Uri(address) };
            await Drive(client, requests / 4 + 1); // warm-up: JIT, connection
            var times = new double[reps];
            for (var r = 0; r < reps; r++)
            {
                var start = Stopwatch.GetTimestamp();
                await Drive(client, requests);
                times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / requests;
            }
            Array.Sort(times);
            await File.WriteAllTextAsync(resultFile, $"ns_per_op={times[reps / 2]:F1} reps={reps} ops_per_rep={requests} ops_total={requests / 4 + 1 + reps * requests}\n");
            await app.StopAsync();
            return 0;
        }

        static async Task Drive(HttpClient client, int requests)
        {
            for (var i = 0; i < requests; i++)
            {
                using var response = await client.GetAsync($"/products/{i % 500}");
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
        }
    }
}
