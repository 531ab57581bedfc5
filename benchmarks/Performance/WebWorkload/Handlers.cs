using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PerfWeb
{
    public sealed record Product(int Id, string Name, decimal Price, IReadOnlyList<string> Tags);

    /// <summary>The app's code on the request path: a lookup that awaits, a price rule and a little formatting.</summary>
    public static class Handlers
    {
        public static async Task<IResult> ProductAsync(int id, Catalog catalog)
        {
            var product = await catalog.FindAsync(id);
            return product is null ? Results.NotFound() : Results.Ok(Pricing.Apply(product));
        }
    }

    public sealed class Catalog
    {
        readonly Dictionary<int, Product> products = Enumerable.Range(0, 500)
            .ToDictionary(i => i, i => new Product(i, "Product " + i, 5m + i % 50, new[] { "tag" + i % 7, "tag" + i % 11 }));

        public async ValueTask<Product> FindAsync(int id)
        {
            await Task.Yield(); // stands in for the database round trip
            return products.TryGetValue(id, out var p) ? p : null;
        }
    }

    public static class Pricing
    {
        public static Product Apply(Product p) => p with { Price = Round(p.Price * (p.Tags.Count > 1 ? 0.9m : 1m)) };

        static decimal Round(decimal price) => decimal.Round(price, 2);
    }
}
