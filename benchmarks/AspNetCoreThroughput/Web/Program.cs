using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThroughputWeb
{
    public static class Program
    {
        public static void Main(string[] args)
        {
            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Logging.ClearProviders().AddConsole(); // Kestrel's "Now listening on" tells the driver the port
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Services.AddAsyncProf(); // AsyncProf__Key from the driver
            var app = builder.Build();
            app.UseAsyncProf();
            app.MapGet("/orders/{id:int}", (int id) => Orders.GetAsync(id));
            app.Run();
        }
    }

    /// <summary>A handler with a few woven async and sync calls: what a request of a typical service does, minus I/O.</summary>
    public static class Orders
    {
        public static async Task<Order> GetAsync(int id)
        {
            var lines = await LinesAsync(id);
            return new Order(id, Total(lines));
        }

        static async Task<int[]> LinesAsync(int id)
        {
            await Task.Yield();
            var lines = new int[8];
            for (var i = 0; i < lines.Length; i++) lines[i] = Price(id, i);
            return lines;
        }

        static int Price(int id, int line) => (id * 31 + line * 7) % 100;

        static decimal Total(int[] lines)
        {
            decimal sum = 0;
            foreach (var l in lines) sum += l;
            return sum;
        }
    }

    public sealed record Order(int Id, decimal Total);
}
